import { defineRoute } from '../route.js'
import { KeyParams, WebhookBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { UserKeys } from '../../accounts/user-keys.js'

export function registerKeysWebhook(app: FastifyInstance, deps: AppDeps, keys: UserKeys): void {
  defineRoute(app, {
    method: 'PUT',
    url: '/account/v1/keys/:id/webhook',
    dialect: 'account',
    summary: "The key's default webhook URL (null removes it), progress events, and secret rotation",
    body: WebhookBody,
    params: KeyParams,
    preHandler: requireSession(deps),
    handler: async ({ body, params, req }) => keys.setWebhook(sessionOf(req).user, params.id, body),
  })
}
