import { promptModeFromFlag } from '../../../../prompts/prompt-config.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { ImageGenerateBody, SubmittedSchema } from '../schemas.js'
import { D, sizeInput, submitted, SUBMIT_RESPONSES } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type CreateImageJobRequest = z.input<typeof ImageGenerateBody>
export type CreateImageJobResponse = z.output<typeof SubmittedSchema>

/** `POST /v1/images/generate`: an async image job. */
export function registerCreateImageJob(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/images/generate',
    dialect: D,
    operationId: 'createImageJob',
    summary: 'Create an async image job',
    body: ImageGenerateBody,
    idempotency: 'required',
    example: { prompt: 'a lighthouse at dawn, watercolour', model: 'gpt-image-2', size: '16:9_MEDIUM' } satisfies CreateImageJobRequest,
    responses: { 202: { description: 'Accepted: the job (or the original job on an idempotent replay)', schema: SubmittedSchema }, ...SUBMIT_RESPONSES },
    async handler({ body, req, idempotency }, reply) {
      const size = sizeInput('image', body.size)
      const refs = [...(body.referenceImage ? [body.referenceImage] : []), ...(body.referenceImages ?? [])]
      const { job, replay } = await deps.jobs.submit({
        auth: authOf(req),
        requestId: req.id,
        dialect: D,
        type: 'image',
        model: body.model,
        input: {
          prompt: body.prompt,
          quality: body.quality?.toUpperCase(),
          aspectRatio: body.aspectRatio ?? size.aspectRatio,
          resolution: body.resolution ?? size.resolution,
          n: body.n,
          format: body.format,
          seed: body.seed,
          referenceImageUrls: refs.length > 0 ? refs : undefined,
        },
        fields: { aspectRatio: body.aspectRatio ? 'aspectRatio' : 'size', resolution: body.resolution ? 'resolution' : 'size', referenceImageUrls: 'referenceImage' },
        ...idempotency.claim(),
        webhookUrl: body.webhookUrl,
        promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
        region: body.region,
      })
      idempotency.replayed(reply, replay)
      return reply.status(202).send(submitted(job, replay) satisfies CreateImageJobResponse)
    },
  })
}
