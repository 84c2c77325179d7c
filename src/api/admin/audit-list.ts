import { defineRoute } from '../route.js'
import { AuditQuery } from './schemas.js'
import { requireAdmin } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerAuditList(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/audit',
    dialect: 'admin',
    summary: 'The audit log of operator actions, newest first',
    query: AuditQuery,
    preHandler: requireAdmin(deps),
    handler: async ({ query }) => deps.people.audit.list(deps.store.db, query),
  })
}
