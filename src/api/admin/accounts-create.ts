import { defineRoute } from '../route.js'
import { CreateAccountBody } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerAccountsCreate(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'POST',
    url: '/admin/v1/accounts',
    dialect: 'admin',
    summary: 'Create a service account (API use), with a plan and initial credits',
    body: CreateAccountBody,
    responses: { 201: 'The account' },
    preHandler: requireAdmin(deps),
    async handler({ body, req }, reply) {
      return reply.status(201).send(await op.createAccount(sessionOf(req).user.id, body))
    },
  })
}
