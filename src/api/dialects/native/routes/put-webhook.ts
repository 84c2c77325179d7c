import { z } from 'zod'
import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { D } from './submit.js'
import { webhookView, WebhookViewSchema, type WebhookView } from './webhook-view.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const PutWebhookBody = z.object({
  url: z.string().max(4096).nullable().optional().describe('Default webhook URL of this API key; null removes it'),
  rotateSecret: z.boolean().optional().describe('Issue a new secret; the old one keeps signing during the overlap window'),
  progressEvents: z.boolean().optional().describe('Also send job.progress events'),
})
export type PutWebhookRequest = z.input<typeof PutWebhookBody>
export type PutWebhookResponse = WebhookView

/** `PUT /v1/webhook`. */
export function registerPutWebhook(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'PUT',
    url: '/webhook',
    dialect: D,
    operationId: 'putWebhook',
    summary: "Set this API key's default webhook URL, rotate its secret, opt into progress events",
    body: PutWebhookBody,
    example: { url: 'https://example.org/hooks/reelay', progressEvents: false } satisfies PutWebhookRequest,
    responses: { 200: { description: 'The webhook as it is now', schema: WebhookViewSchema } },
    async handler({ body, req }): Promise<PutWebhookResponse> {
      const a = authOf(req)
      if (body.url) {
        const broken = deps.jobs.checkUrl(body.url)
        if (broken) throw new AppError('invalid_request', `\`url\` ${broken}`, { field: 'url' })
      }
      await deps.webhooks.endpoints.update(a.apiKeyId, a.accountId, body)
      return webhookView(deps, a.apiKeyId, a.accountId)
    },
  })
}
