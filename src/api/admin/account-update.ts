import { defineRoute } from '../route.js'
import { IdParams, UpdateAccountBody } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerAccountUpdate(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'PATCH',
    url: '/admin/v1/accounts/:id',
    dialect: 'admin',
    summary: 'Set the plan, or disable (its keys and dashboard use stop) or enable an account',
    body: UpdateAccountBody,
    params: IdParams,
    preHandler: requireAdmin(deps),
    handler: async ({ body, params, req }) => op.updateAccount(sessionOf(req).user.id, params.id, body),
  })
}
