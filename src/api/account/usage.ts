import { defineRoute } from '../route.js'
import { UsageQuery } from './schemas.js'
import { requireSession } from './session-auth.js'
import { accountFor } from './account-scope.js'
import { usageOf } from '../../accounts/activity.js'
import { invalid } from '../../errors.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

const DEFAULT_RANGE_MS = 30 * 86_400_000

export function registerUsage(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/usage',
    dialect: 'account',
    summary: 'Credits captured and jobs created, by UTC day and by model, in [from, to) (default: the last 30 days)',
    query: UsageQuery,
    preHandler: requireSession(deps),
    async handler({ query, req }) {
      const accountId = await accountFor(deps, req, query.accountId)
      // The default end takes in this very millisecond.
      const to = query.to ?? deps.clock.now() + 1
      const from = query.from ?? to - DEFAULT_RANGE_MS
      if (from >= to) throw invalid('from', 'must be before `to`')
      if (to - from > 400 * 86_400_000) throw invalid('from', 'must be at most 400 days before `to`')
      return usageOf(deps.store.db, accountId, from, to)
    },
  })
}
