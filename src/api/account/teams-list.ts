import { defineRoute } from '../route.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerTeamsList(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/teams',
    dialect: 'account',
    summary: 'The teams you belong to, with your role',
    preHandler: requireSession(deps),
    async handler({ req }) {
      const all = await deps.people.teams.accountsOf(sessionOf(req).user.id)
      return { data: all.filter((a) => a.kind === 'team') }
    },
  })
}
