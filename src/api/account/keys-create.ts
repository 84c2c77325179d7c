import { defineRoute } from '../route.js'
import { KeyNameBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { UserKeys } from '../../accounts/user-keys.js'

export function registerKeysCreate(app: FastifyInstance, deps: AppDeps, keys: UserKeys): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/keys',
    dialect: 'account',
    summary: 'Create an API key; the secret `key` is in this answer only (at most 10 active keys)',
    body: KeyNameBody,
    responses: { 201: 'The key, with its secret', 409: 'too_many_keys' },
    preHandler: requireSession(deps),
    async handler({ body, req }, reply) {
      return reply.status(201).send(await keys.create(sessionOf(req).user, body.name))
    },
  })
}
