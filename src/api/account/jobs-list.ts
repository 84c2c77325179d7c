import { defineRoute } from '../route.js'
import { JobsQuery } from './schemas.js'
import { requireSession } from './session-auth.js'
import { accountFor } from './account-scope.js'
import { jobsPage } from '../../accounts/activity.js'
import { jobSummary } from './present-job.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerJobsList(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/jobs',
    dialect: 'account',
    summary: 'Jobs of an account (default: personal), newest first, filtered by status and model',
    query: JobsQuery,
    preHandler: requireSession(deps),
    async handler({ query, req }) {
      const page = await jobsPage(deps.store.db, await accountFor(deps, req, query.accountId), query)
      return { data: page.data.map((j) => jobSummary(j, deps.jobs)), nextCursor: page.nextCursor }
    },
  })
}
