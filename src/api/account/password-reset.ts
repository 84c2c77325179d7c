import { defineRoute } from '../route.js'
import { PasswordResetBody } from './schemas.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerPasswordReset(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/password-reset',
    dialect: 'account',
    summary: 'Set a new password with the token of an operator-issued reset link; ends every session of the user',
    body: PasswordResetBody,
    responses: { 204: 'Password changed; sign in with it' },
    async handler({ body }, reply) {
      await deps.people.resetPassword(body.token, body.password)
      return reply.status(204).send()
    },
  })
}
