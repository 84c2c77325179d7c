import { defineRoute } from '../route.js'
import { KeyNameBody, KeyParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { UserKeys } from '../../accounts/user-keys.js'

export function registerKeysRename(app: FastifyInstance, deps: AppDeps, keys: UserKeys): void {
  defineRoute(app, {
    method: 'PATCH',
    url: '/account/v1/keys/:id',
    dialect: 'account',
    summary: 'Rename an API key',
    body: KeyNameBody,
    params: KeyParams,
    preHandler: requireSession(deps),
    handler: async ({ body, params, req }) => keys.rename(sessionOf(req).user, params.id, body.name),
  })
}
