import { z } from 'zod'
import { DeliveryViewSchema, IsoTime } from '../../response-schemas.js'
import type { AppDeps } from '../../../deps.js'

/** An API key's default webhook as `GET/PUT /v1/webhook` show it. */
export const WebhookViewSchema = z.object({
  ok: z.literal(true),
  url: z.string().nullable(),
  secret: z.string().describe('Signs every delivery (Standard Webhooks)'),
  previousSecretExpiresAt: IsoTime.nullable().describe('The old secret still signs until then, after a rotation'),
  progressEvents: z.boolean(),
  disabled: z.object({ at: IsoTime, reason: z.string().nullable() }).nullable(),
  deliveries: z.array(DeliveryViewSchema),
})
export type WebhookView = z.output<typeof WebhookViewSchema>

export async function webhookView(deps: AppDeps, apiKeyId: string, accountId: string): Promise<WebhookView> {
  const ep = await deps.webhooks.endpoints.ensure(apiKeyId, accountId)
  const overlap = ep.previousSecret && (ep.previousSecretExpiresAt ?? 0) > deps.clock.now()
  return {
    ok: true,
    url: ep.url,
    secret: ep.secret,
    previousSecretExpiresAt: overlap ? new Date(ep.previousSecretExpiresAt!).toISOString() : null,
    progressEvents: Boolean(ep.progressEvents),
    disabled: ep.disabledAt ? { at: new Date(ep.disabledAt).toISOString(), reason: ep.disabledReason } : null,
    deliveries: await deps.webhooks.log.forKey(accountId, apiKeyId),
  }
}
