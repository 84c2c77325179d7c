import { randomUUID } from 'node:crypto'
import { imageModelOf, unpollable } from '../http/image-client.js'
import { loadReferences } from '../reference-images.js'
import { callOpenAi } from './client.js'
import { classifyOpenAiError, editForm, generationBody, moderationOf, outputsFromResponse } from './mapping.js'
import type { ImageParams } from '../../domain/params.js'
import type { Provider } from '../provider.js'

const REFERENCE_LIMITS = { maxEachMb: 50 }

/**
 * GPT Image through the Images API (`baseUrl` includes `/v1`). Synchronous: `submit` returns
 * the decoded images. Channel options: `timeoutMs`, `connectTimeoutMs`, `maxResponseBytes`,
 * `moderation` (`low` | `auto`).
 */
export function createOpenAiProvider(): Provider {
  return {
    name: 'openai',
    async submit(job, ctx) {
      const model = imageModelOf('openai', job, ctx)
      const p = job.params as ImageParams
      const res =
        p.referenceImageUrls.length > 0
          ? await callOpenAi(ctx, '/images/edits', { form: await editForm(p, model, await loadReferences(p.referenceImageUrls, ctx, REFERENCE_LIMITS)) })
          : await callOpenAi(ctx, '/images/generations', { json: generationBody(p, model, moderationOf(ctx.channel.options)) })
      if (res.status < 200 || res.status > 299) throw classifyOpenAiError(res, ctx.channel.apiKey, ctx.clock.now())
      const { outputs, usage } = await outputsFromResponse(res, ctx.channel.apiKey)
      const upstreamId = res.headers['x-request-id'] ?? `openai-${randomUUID()}`
      ctx.log.info({ jobId: job.id, channel: ctx.channel.id, upstreamId, images: outputs.length, usage }, 'openai images returned')
      return { upstreamId, outputs }
    },
    async get(upstreamId) {
      return unpollable('openai', upstreamId)
    },
    // Nothing to cancel: the call is in flight only inside submit (ctx.signal aborts it).
    async cancel() {},
  }
}
