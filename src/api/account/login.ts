import { defineRoute } from '../route.js'
import { SessionSchema } from './responses.js'
import { LoginBody } from './schemas.js'
import { sendSession } from './session-reply.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerLogin(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/login',
    dialect: 'account',
    summary: 'Sign in with email and password',
    body: LoginBody,
    responses: {
      200: { description: 'Signed in', schema: SessionSchema },
      401: 'Wrong email or password, or the user is disabled',
      429: 'login_locked: too many failures; retry after `Retry-After` seconds',
    },
    async handler({ body }, reply) {
      return sendSession(reply, deps, await deps.people.login(body))
    },
  })
}
