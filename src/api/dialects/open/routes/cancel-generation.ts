import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { fromDialectId } from '../../id-forms.js'
import { GenerationSchema, RequestIdParams, type Generation } from '../schemas.js'
import { presentGeneration, REQUEST_PREFIX } from '../present.js'
import { D } from './create-generation.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type CancelGenerationResponse = Generation

/** `POST /api/open/v1/video/generations/:requestId/cancel`: the hold is released. */
export function registerCancelGeneration(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/v1/video/generations/:requestId/cancel',
    dialect: D,
    operationId: 'cancelGeneration',
    summary: 'Cancel a queued or processing task; its credits are released',
    params: RequestIdParams,
    responses: { 200: { description: 'The cancelled task', schema: GenerationSchema }, 409: 'job_not_cancellable: the task already finished' },
    async handler({ params, req }): Promise<CancelGenerationResponse> {
      const job = await deps.jobs.cancel(authOf(req).accountId, fromDialectId(params.requestId, REQUEST_PREFIX))
      return presentGeneration(job, [])
    },
  })
}
