import { newWebhookSecret } from './sign.js'
import type { Clock } from '../domain/clock.js'
import type { SecretBox } from '../secrets/secret-box.js'
import type { Store } from '../store/db.js'
import type { WebhookEndpointsTable } from '../store/schema.js'

/**
 * Per-key webhook settings: default URL, signing secret and its rotation. Secrets are sealed with
 * the secret key in the database; everything returned here carries them opened.
 */
export function createWebhookEndpoints(store: Store, clock: Clock, overlapMs: number, box: SecretBox) {
  const { db } = store

  function stored(apiKeyId: string): Promise<WebhookEndpointsTable | undefined> {
    return db.selectFrom('webhookEndpoints').selectAll().where('apiKeyId', '=', apiKeyId).executeTakeFirst()
  }

  async function get(apiKeyId: string): Promise<WebhookEndpointsTable | undefined> {
    const row = await stored(apiKeyId)
    return row && { ...row, secret: box.open(row.secret), previousSecret: row.previousSecret === null ? null : box.open(row.previousSecret) }
  }

  /** The key's settings, creating a secret on first use (so per-request URLs are signed too). */
  async function ensure(apiKeyId: string, accountId: string): Promise<WebhookEndpointsTable> {
    const existing = await get(apiKeyId)
    if (existing) return existing
    const now = clock.now()
    await db
      .insertInto('webhookEndpoints')
      .values({ apiKeyId, accountId, url: null, secret: box.seal(newWebhookSecret()), previousSecret: null, previousSecretExpiresAt: null, progressEvents: 0, disabledAt: null, disabledReason: null, createdAt: now, updatedAt: now })
      .onConflict((oc) => oc.column('apiKeyId').doNothing())
      .execute()
    return (await get(apiKeyId))!
  }

  return {
    get,
    ensure,

    /** Secrets that sign a delivery now: the current one, plus the previous during the overlap. */
    async secretsFor(apiKeyId: string, accountId: string): Promise<string[]> {
      const ep = await ensure(apiKeyId, accountId)
      const prev = ep.previousSecret && (ep.previousSecretExpiresAt ?? 0) > clock.now() ? [ep.previousSecret] : []
      return [ep.secret, ...prev]
    },

    async update(apiKeyId: string, accountId: string, patch: { url?: string | null | undefined; rotateSecret?: boolean | undefined; progressEvents?: boolean | undefined }): Promise<WebhookEndpointsTable> {
      await ensure(apiKeyId, accountId)
      const ep = (await stored(apiKeyId))!
      const now = clock.now()
      await db
        .updateTable('webhookEndpoints')
        .set({
          ...(patch.url !== undefined ? { url: patch.url, disabledAt: null, disabledReason: null } : {}),
          ...(patch.progressEvents !== undefined ? { progressEvents: patch.progressEvents ? 1 : 0 } : {}),
          ...(patch.rotateSecret ? { secret: box.seal(newWebhookSecret()), previousSecret: ep.secret, previousSecretExpiresAt: now + overlapMs } : {}),
          updatedAt: now,
        })
        .where('apiKeyId', '=', apiKeyId)
        .execute()
      return (await get(apiKeyId))!
    },

    /** A receiver answered 410 Gone: stop sending to the key's default URL. */
    async disable(apiKeyId: string, reason: string): Promise<void> {
      await db.updateTable('webhookEndpoints').set({ disabledAt: clock.now(), disabledReason: reason, updatedAt: clock.now() }).where('apiKeyId', '=', apiKeyId).execute()
    },
  }
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>
