import { defineRoute } from '../route.js'
import { SetupBody } from './schemas.js'
import { sendSession } from './session-reply.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerSetup(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/setup',
    dialect: 'account',
    summary: 'Create the first operator with the one-time token printed in the log; signs them in',
    body: SetupBody,
    responses: { 201: 'The session', 403: 'Bad token, or setup is done' },
    async handler({ body }, reply) {
      return sendSession(reply, deps, await deps.people.completeSetup(body), 201)
    },
  })
}
