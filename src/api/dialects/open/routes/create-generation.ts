import { z } from 'zod'
import { submitJob } from '../../submit-job.js'
import { chargedCredits } from '../../../../ledger/job-charges.js'
import { defineRoute } from '../../../route.js'
import { GenerationBody } from '../schemas.js'
import { openVideoInput } from '../translate.js'
import { presentGeneration } from '../present.js'
import { JobStatusSchema, NullableIsoTime } from '../../response-schemas.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const D = 'open'

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
      const { job } = await submitJob(deps, req, D, {
        type: 'video',
        ...openVideoInput(body, req.body),
        ...idempotency.claim(),
        webhookUrl: body.webhookUrl,
      })
      const shown = presentGeneration(job, [])
      return { success: true, requestId: shown.requestId, status: shown.status, model: job.model, creditsCharged: chargedCredits(job.charges), createdAt: shown.createdAt }
    },
  })
}
