import { defineRoute } from '../route.js'
import { requireSession, sessionOf, sessionCookie } from './session-auth.js'
import { isHttps } from './session-reply.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerLogout(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/logout',
    dialect: 'account',
    summary: 'End this session',
    responses: { 204: 'Signed out' },
    preHandler: requireSession(deps),
    async handler({ req }, reply) {
      await deps.people.sessions.revoke(sessionOf(req).id)
      return reply
        .status(204)
        .header('set-cookie', sessionCookie(null, { secure: isHttps(deps), maxAgeSec: 0 }))
        .send()
    },
  })
}
