import { defineRoute } from '../route.js'
import { requireAdmin } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerSettingsGet(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/settings',
    dialect: 'admin',
    summary: 'Run-time settings',
    preHandler: requireAdmin(deps),
    handler: async () => ({ signupMode: await deps.people.settings.signupMode() }),
  })
}
