import { defineRoute } from '../route.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { UserKeys } from '../../accounts/user-keys.js'

export function registerKeysList(app: FastifyInstance, deps: AppDeps, keys: UserKeys): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/keys',
    dialect: 'account',
    summary: 'Your API keys (on your personal account), newest first; never the secrets',
    preHandler: requireSession(deps),
    handler: async ({ req }) => ({ data: await keys.list(sessionOf(req).user) }),
  })
}
