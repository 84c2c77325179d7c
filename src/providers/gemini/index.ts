import { randomUUID } from 'node:crypto'
import { imageModelOf, unpollable } from '../image-http.js'
import { runBounded } from './bounded.js'
import { generateContent } from './client.js'
import { classifyGeminiError, outputsFromResponse, requestBody, type GeminiResult } from './mapping.js'
import { loadInlineReferences } from './references.js'
import type { ImageParams } from '../../domain/params.js'
import type { Provider, ProviderOutput } from '../provider.js'

/** How many generateContent calls of one job run at once. (Default: 2, at most 4) */
function parallelismOf(options: Record<string, unknown>): number {
  const v = options.parallelism
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? Math.min(v, 4) : 2
}

/**
 * Nano Banana Pro through the Gemini API (`baseUrl` without `/v1beta`). One call makes one
 * image, so `n` images take `n` calls. Synchronous: `submit` returns the decoded images.
 * Channel options: `timeoutMs`, `connectTimeoutMs`, `maxResponseBytes`, `parallelism`.
 */
export function createGeminiProvider(): Provider {
  return {
    name: 'gemini',
    async submit(job, ctx) {
      const model = imageModelOf('gemini', job, ctx)
      const p = job.params as ImageParams
      const references = p.referenceImageUrls.length > 0 ? await loadInlineReferences(p.referenceImageUrls, ctx) : []
      const json = JSON.stringify(requestBody(p, references))
      const results = await runBounded(p.n, parallelismOf(ctx.channel.options), async (): Promise<GeminiResult> => {
        const res = await generateContent(ctx, model, json)
        if (res.status < 200 || res.status > 299) throw classifyGeminiError(res, ctx.channel.apiKey, ctx.clock.now())
        return outputsFromResponse(res, ctx.channel.apiKey)
      })
      const outputs: ProviderOutput[] = results.flatMap((r) => r.outputs)
      const upstreamId = results[0]?.responseId ?? `gemini-${randomUUID()}`
      ctx.log.info({ jobId: job.id, channel: ctx.channel.id, upstreamId, images: outputs.length, usage: results.map((r) => r.usage) }, 'gemini images returned')
      return { upstreamId, outputs }
    },
    async get(upstreamId) {
      return unpollable('gemini', upstreamId)
    },
    // Nothing to cancel: the calls are in flight only inside submit (ctx.signal aborts them).
    async cancel() {},
  }
}
