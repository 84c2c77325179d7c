import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { presentJob } from '../present.js'
import { JobIdParams, NativeJobSchema } from '../schemas.js'
import { D } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type GetJobRequest = z.input<typeof JobIdParams>
export type GetJobResponse = z.output<typeof NativeJobSchema>

/** `GET /v1/jobs/:jobId`. */
export function registerGetJob(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/jobs/:jobId',
    dialect: D,
    operationId: 'getJob',
    summary: 'Get a job: status, progress, timestamps and error',
    params: JobIdParams,
    responses: { 200: { description: 'The job', schema: NativeJobSchema } },
    async handler({ params, req }): Promise<GetJobResponse> {
      const job = await deps.jobs.get(authOf(req).accountId, params.jobId)
      if (!job) throw new AppError('not_found', 'No job with this id.')
      return presentJob(job)
    },
  })
}
