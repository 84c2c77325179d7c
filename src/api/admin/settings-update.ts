import { defineRoute } from '../route.js'
import { SettingsBody } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerSettingsUpdate(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'PATCH',
    url: '/admin/v1/settings',
    dialect: 'admin',
    summary: 'Change the sign-up mode',
    body: SettingsBody,
    preHandler: requireAdmin(deps),
    handler: async ({ body, req }) => op.setSignupMode(sessionOf(req).user.id, body.signupMode),
  })
}
