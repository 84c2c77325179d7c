import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { fromDialectId } from '../../id-forms.js'
import { GenerationSchema, RequestIdParams, type Generation } from '../schemas.js'
import { presentGeneration, REQUEST_PREFIX } from '../present.js'
import { D } from './create-generation.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type GetGenerationResponse = Generation

/** `GET /api/open/v1/video/generations/:requestId`. */
export function registerGetGeneration(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/v1/video/generations/:requestId',
    dialect: D,
    operationId: 'getGeneration',
    summary: 'Query a task; `output.url` is set once it succeeded',
    params: RequestIdParams,
    responses: { 200: { description: 'The task', schema: GenerationSchema } },
    async handler({ params, req }): Promise<GetGenerationResponse> {
      const job = await deps.jobs.get(authOf(req).accountId, fromDialectId(params.requestId, REQUEST_PREFIX))
      if (!job) throw new AppError('not_found', 'No generation with this requestId.')
      return presentGeneration(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
    },
  })
}
