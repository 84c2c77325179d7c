import { defineRoute } from '../route.js'
import { TeamParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerTeamGet(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/teams/:id',
    dialect: 'account',
    summary: 'A team: members, open invites and (for owners and admins) credits and jobs by member',
    params: TeamParams,
    preHandler: requireSession(deps),
    handler: async ({ params, req }) => deps.people.teams.detail(sessionOf(req).user.id, params.id),
  })
}
