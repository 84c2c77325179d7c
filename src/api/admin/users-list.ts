import { defineRoute } from '../route.js'
import { SearchQuery } from './schemas.js'
import { requireAdmin } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerUsersList(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/users',
    dialect: 'admin',
    summary: 'Search users by email, name or id, newest first',
    query: SearchQuery,
    preHandler: requireAdmin(deps),
    handler: async ({ query }) => op.listUsers(query),
  })
}
