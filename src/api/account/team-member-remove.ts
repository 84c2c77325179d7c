import { defineRoute } from '../route.js'
import { MemberParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerTeamMemberRemove(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'DELETE',
    url: '/account/v1/teams/:id/members/:userId',
    dialect: 'account',
    summary: 'Remove a member (owners and admins), or leave the team yourself; the last owner stays',
    params: MemberParams,
    responses: { 204: 'Removed' },
    preHandler: requireSession(deps),
    async handler({ params, req }, reply) {
      await deps.people.teams.removeMember(sessionOf(req).user.id, params.id, params.userId)
      return reply.status(204).send()
    },
  })
}
