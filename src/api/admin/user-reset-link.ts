import { defineRoute } from '../route.js'
import { IdParams } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerUserResetLink(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/admin/v1/users/:id/reset-link',
    dialect: 'admin',
    summary: 'A one-time password-reset link for the user (24 hours), to hand over',
    params: IdParams,
    preHandler: requireAdmin(deps),
    handler: async ({ params, req }) => deps.people.resetLink(sessionOf(req).user.id, params.id),
  })
}
