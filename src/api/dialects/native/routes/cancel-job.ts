import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { presentJob } from '../present.js'
import { JobIdParams, NativeJobSchema } from '../schemas.js'
import { D } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type CancelJobResponse = z.output<typeof NativeJobSchema>

/** `POST /v1/jobs/:jobId/cancel`: the hold is released. */
export function registerCancelJob(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/jobs/:jobId/cancel',
    dialect: D,
    operationId: 'cancelJob',
    summary: 'Cancel a queued or processing job; its hold is released',
    params: JobIdParams,
    responses: { 200: { description: 'The cancelled job', schema: NativeJobSchema }, 409: 'The job already finished' },
    async handler({ params, req }): Promise<CancelJobResponse> {
      return presentJob(await deps.jobs.cancel(authOf(req).accountId, params.jobId))
    },
  })
}
