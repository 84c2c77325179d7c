import { defineRoute } from '../route.js'
import { JobParams } from './schemas.js'
import { requireSession } from './session-auth.js'
import { ownJob } from './account-scope.js'
import { deliveriesPage } from '../../accounts/activity.js'
import { jobDetail } from './present-job.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerJobGet(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/jobs/:id',
    dialect: 'account',
    summary: 'A job with parameters, prompt pipeline, status timeline, cost and webhook attempts',
    params: JobParams,
    preHandler: requireSession(deps),
    async handler({ params, req }) {
      const job = await ownJob(deps, req, params.id)
      const deliveries = await deliveriesPage(deps.store.db, job.accountId, { jobId: job.id, limit: 50 })
      return jobDetail(job, deps.jobs, deliveries.data)
    },
  })
}
