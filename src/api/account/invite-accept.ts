import { defineRoute } from '../route.js'
import { AcceptInviteBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerInviteAccept(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/invites/accept',
    dialect: 'account',
    summary: 'Join a team with an invite made out to your email (for users who already have one); answers the session',
    body: AcceptInviteBody,
    preHandler: requireSession(deps),
    async handler({ body, req }) {
      const s = sessionOf(req)
      await deps.people.teams.accept(s.user, body.inviteToken)
      return deps.people.sessionView(s)
    },
  })
}
