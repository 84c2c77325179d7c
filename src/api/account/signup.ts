import { defineRoute } from '../route.js'
import { SignupBody } from './schemas.js'
import { sendSession } from './session-reply.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerSignup(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/signup',
    dialect: 'account',
    summary: 'Create a user (as the sign-up mode allows) with a personal account; signs them in',
    body: SignupBody,
    responses: { 201: 'The session', 403: 'Sign-up is closed' },
    async handler({ body }, reply) {
      return sendSession(reply, deps, await deps.people.signup(body), 201)
    },
  })
}
