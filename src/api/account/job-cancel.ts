import { defineRoute } from '../route.js'
import { JobParams } from './schemas.js'
import { requireSession } from './session-auth.js'
import { ownJob } from './account-scope.js'
import { jobSummary } from './present-job.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerJobCancel(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/jobs/:id/cancel',
    dialect: 'account',
    summary: 'Cancel a queued or processing job; its hold is released',
    params: JobParams,
    responses: { 200: 'The cancelled job', 409: 'job_not_cancellable' },
    preHandler: requireSession(deps),
    async handler({ params, req }) {
      const job = await ownJob(deps, req, params.id)
      return jobSummary(await deps.jobs.cancel(job.accountId, job.id), deps.jobs)
    },
  })
}
