import { defineRoute } from '../route.js'
import { SearchQuery } from './schemas.js'
import { requireAdmin } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerAccountsList(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/accounts',
    dialect: 'admin',
    summary: 'Search accounts by name or id, newest first',
    query: SearchQuery,
    preHandler: requireAdmin(deps),
    handler: async ({ query }) => op.listAccounts(query),
  })
}
