import { defineRoute } from '../route.js'
import { InviteBody, TeamParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerTeamInvite(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/teams/:id/invites',
    dialect: 'account',
    summary: 'Invite an email to the team (owners and admins); the link works for 7 days, also to sign up',
    body: InviteBody,
    params: TeamParams,
    responses: { 201: 'The invite token and link' },
    preHandler: requireSession(deps),
    async handler({ body, params, req }, reply) {
      return reply.status(201).send(await deps.people.teams.invite(sessionOf(req).user.id, params.id, body.email, body.role))
    },
  })
}
