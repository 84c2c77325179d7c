import { defineRoute } from '../route.js'
import { AdminJobsQuery } from './schemas.js'
import { requireAdmin } from '../account/session-auth.js'
import { jobRows, jobsPage } from '../../accounts/activity.js'
import { jobSummary } from '../account/present-job.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerJobsList(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/jobs',
    dialect: 'admin',
    summary: 'Jobs across every account, with the channel, provider, upstream id and raw upstream error customers never see',
    query: AdminJobsQuery,
    preHandler: requireAdmin(deps),
    async handler({ query }) {
      const page = await jobsPage(deps.store.db, query.accountId ?? null, query)
      const rows = await jobRows(
        deps.store.db,
        page.data.map((j) => j.id),
      )
      return {
        data: page.data.map((j) => {
          const r = rows.get(j.id)
          return { ...jobSummary(j, deps.jobs), error: j.error, channel: r?.channel ?? null, provider: r?.provider ?? null, upstreamId: r?.upstreamId ?? null, upstreamError: r?.errorDetail ?? null }
        }),
        nextCursor: page.nextCursor,
      }
    },
  })
}
