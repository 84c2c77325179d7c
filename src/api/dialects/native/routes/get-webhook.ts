import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { D } from './submit.js'
import { webhookView, WebhookViewSchema, type WebhookView } from './webhook-view.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type GetWebhookResponse = WebhookView

/** `GET /v1/webhook`. */
export function registerGetWebhook(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/webhook',
    dialect: D,
    operationId: 'getWebhook',
    summary: "This API key's default webhook: URL, signing secret and the last deliveries",
    responses: { 200: { description: 'The webhook', schema: WebhookViewSchema } },
    async handler({ req }): Promise<GetWebhookResponse> {
      const a = authOf(req)
      return webhookView(deps, a.apiKeyId, a.accountId)
    },
  })
}
