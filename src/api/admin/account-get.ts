import { defineRoute } from '../route.js'
import { IdParams } from './schemas.js'
import { requireAdmin } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerAccountGet(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/accounts/:id',
    dialect: 'admin',
    summary: 'An account with its members and keys',
    params: IdParams,
    preHandler: requireAdmin(deps),
    handler: async ({ params }) => op.getAccount(params.id),
  })
}
