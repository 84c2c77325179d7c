import { defineRoute } from '../route.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerSession(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/session',
    dialect: 'account',
    summary: 'The signed-in user, their accounts and the CSRF token',
    preHandler: requireSession(deps),
    handler: async ({ req }) => deps.people.sessionView(sessionOf(req)),
  })
}
