import { defineRoute } from '../route.js'
import { MemberParams, RoleBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerTeamMemberRole(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'PATCH',
    url: '/account/v1/teams/:id/members/:userId',
    dialect: 'account',
    summary: "Change a member's role (owners and admins; only owners make or unmake owners)",
    body: RoleBody,
    params: MemberParams,
    preHandler: requireSession(deps),
    async handler({ body, params, req }) {
      const me = sessionOf(req).user.id
      await deps.people.teams.setRole(me, params.id, params.userId, body.role)
      return deps.people.teams.detail(me, params.id)
    },
  })
}
