import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { presentResult } from '../present.js'
import { JobIdParams, NativeNotReadySchema, NativeResultSchema } from '../schemas.js'
import { D } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type GetJobResultResponse = z.output<typeof NativeResultSchema> | z.output<typeof NativeNotReadySchema>

/** `GET /v1/jobs/:jobId/result`: the stored outputs, or 202 while the job runs. */
export function registerGetJobResult(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/jobs/:jobId/result',
    dialect: D,
    operationId: 'getJobResult',
    summary: 'Get the stored outputs of a job (202 while not ready)',
    params: JobIdParams,
    responses: {
      200: { description: 'The outputs', schema: NativeResultSchema },
      202: { description: 'Not ready yet; poll again after `Retry-After` seconds', schema: NativeNotReadySchema, headers: { 'Retry-After': 'Seconds to wait' } },
      410: 'A stored output is missing or damaged (file_unavailable)',
    },
    async handler({ params, req }, reply) {
      const job = await deps.jobs.get(authOf(req).accountId, params.jobId)
      if (!job) throw new AppError('not_found', 'No job with this id.')
      if (job.status === 'queued' || job.status === 'processing') {
        void reply.header('retry-after', '2')
        return reply.status(202).send({ ok: true, jobId: job.id, status: job.status, progress: job.progress, ready: false } satisfies GetJobResultResponse)
      }
      return presentResult(job, job.status === 'succeeded' ? await deps.jobs.verifiedResultOutputs(job) : deps.jobs.resultOutputs(job)) satisfies GetJobResultResponse
    },
  })
}
