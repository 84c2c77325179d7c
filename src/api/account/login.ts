import { defineRoute } from '../route.js'
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
    responses: { 200: 'The session', 401: 'Wrong email or password', 429: 'login_locked, with Retry-After' },
    async handler({ body }, reply) {
      return sendSession(reply, deps, await deps.people.login(body))
    },
  })
}
