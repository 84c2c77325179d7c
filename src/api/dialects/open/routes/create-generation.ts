import { z } from 'zod'
import { invalid } from '../../../../errors.js'
import { chargedCredits } from '../../../../ledger/job-charges.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { GenerationBody, OPEN_DEFAULT_MODEL, unknownField } from '../schemas.js'
import { presentGeneration } from '../present.js'
import { JobStatusSchema, NullableIsoTime } from '../../response-schemas.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const D = 'open'

/** Canonical field → this API's field, so catalog errors name what the client sent (the others match). */
const FIELDS = { durationSec: 'duration', firstFrameUrl: 'imageUrl', lastFrameUrl: 'endImageUrl' }

export const CreateGenerationResponse = z.object({
  success: z.literal(true),
  requestId: z.string().describe('req_…'),
  status: JobStatusSchema,
  model: z.string(),
  creditsCharged: z.number().int(),
  createdAt: NullableIsoTime,
})
export type CreateGenerationRequest = z.input<typeof GenerationBody>
export type CreateGenerationResponse = z.output<typeof CreateGenerationResponse>

/** `POST /api/open/v1/video/generations`. */
export function registerCreateGeneration(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/v1/video/generations',
    dialect: D,
    operationId: 'createGeneration',
    summary: 'Submit a video generation task',
    body: GenerationBody,
    idempotency: 'optional',
    example: { model: 'seedance-2.0', prompt: 'a koi pond in the rain, close-up', duration: 5, aspectRatio: '16:9', resolution: '720p' } satisfies CreateGenerationRequest,
    responses: { 200: { description: 'The accepted task', schema: CreateGenerationResponse }, 402: 'insufficient_credits', 429: 'rate_limited' },
    async handler({ body, req, idempotency }): Promise<CreateGenerationResponse> {
      const unknown = unknownField(req.body)
      if (unknown) {
        throw invalid(unknown.field, `is not a field of this API${unknown.suggestion ? `; did you mean \`${unknown.suggestion}\`?` : ''}`)
      }
      const { job } = await deps.jobs.submit({
        auth: authOf(req),
        requestId: req.id,
        dialect: D,
        type: 'video',
        model: body.model ?? OPEN_DEFAULT_MODEL,
        input: {
          prompt: body.prompt,
          durationSec: body.duration,
          aspectRatio: body.aspectRatio,
          resolution: body.resolution,
          firstFrameUrl: body.imageUrl,
          lastFrameUrl: body.endImageUrl,
          referenceImageUrls: body.referenceImageUrls,
          referenceVideoUrls: body.referenceVideoUrls,
          referenceAudioUrls: body.referenceAudioUrls,
          generateAudio: body.generateAudio,
          seed: body.seed,
          cameraFixed: body.cameraFixed,
        },
        fields: FIELDS,
        ...idempotency.claim(),
        webhookUrl: body.webhookUrl,
      })
      const shown = presentGeneration(job, [])
      return { success: true, requestId: shown.requestId, status: shown.status, model: job.model, creditsCharged: chargedCredits(job.charges), createdAt: shown.createdAt }
    },
  })
}
