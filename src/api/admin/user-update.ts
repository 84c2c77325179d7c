import { defineRoute } from '../route.js'
import { IdParams, UpdateUserBody } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerUserUpdate(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'PATCH',
    url: '/admin/v1/users/:id',
    dialect: 'admin',
    summary: 'Disable (ends their sessions) or enable a user, or change their role',
    body: UpdateUserBody,
    params: IdParams,
    preHandler: requireAdmin(deps),
    handler: async ({ body, params, req }) => op.updateUser(sessionOf(req).user, params.id, body),
  })
}
