import { defineRoute } from '../route.js'
import { TeamBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerTeamsCreate(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/teams',
    dialect: 'account',
    summary: 'Create a team (an account with a shared pool of credits); you are its owner',
    body: TeamBody,
    responses: { 201: 'The team' },
    preHandler: requireSession(deps),
    async handler({ body, req }, reply) {
      return reply.status(201).send(await deps.people.teams.create(sessionOf(req).user.id, body.name))
    },
  })
}
