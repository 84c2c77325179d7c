import { defineRoute } from '../route.js'
import { CreditsBody, IdParams } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerAccountCredits(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'POST',
    url: '/admin/v1/accounts/:id/credits',
    dialect: 'admin',
    summary: 'Grant (positive) or debit (negative) credits with a reason; ledgered and audited',
    body: CreditsBody,
    params: IdParams,
    preHandler: requireAdmin(deps),
    handler: async ({ body, params, req }) => op.adjustCredits(sessionOf(req).user.id, params.id, body.amount, body.reason),
  })
}
