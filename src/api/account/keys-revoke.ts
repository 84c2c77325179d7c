import { defineRoute } from '../route.js'
import { KeyParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { UserKeys } from '../../accounts/user-keys.js'

export function registerKeysRevoke(app: FastifyInstance, deps: AppDeps, keys: UserKeys): void {
  defineRoute(app, {
    method: 'DELETE',
    url: '/account/v1/keys/:id',
    dialect: 'account',
    summary: 'Revoke an API key: every server refuses it at once',
    params: KeyParams,
    preHandler: requireSession(deps),
    async handler({ params, req }) {
      await keys.revoke(sessionOf(req).user, params.id)
      return { id: params.id, revoked: true }
    },
  })
}
