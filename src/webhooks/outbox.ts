import { newId } from '../domain/ids.js'
import type { Kysely } from 'kysely'
import type { Database, JobsTable, WebhookDeliveriesTable } from '../store/schema.js'

export type WebhookEvent = 'job.succeeded' | 'job.failed' | 'job.cancelled' | 'job.progress'

/**
 * Queues a webhook for a job event inside the caller's transaction, so the event exists if
 * and only if the transition committed. A per-request URL wins over the key's default.
 */
export async function enqueueWebhook(trx: Kysely<Database>, job: Pick<JobsTable, 'id' | 'accountId' | 'apiKeyId' | 'webhookUrl'>, event: WebhookEvent, now: number): Promise<void> {
  let url = job.webhookUrl
  let target: 'request' | 'key' = 'request'
  if (!url) {
    const ep = await trx
      .selectFrom('webhookEndpoints')
      .select(['url', 'progressEvents'])
      .where('apiKeyId', '=', job.apiKeyId)
      .where('disabledAt', 'is', null)
      .executeTakeFirst()
    if (!ep?.url || (event === 'job.progress' && !ep.progressEvents)) return
    url = ep.url
    target = 'key'
  } else if (event === 'job.progress') return
  await queueDelivery(trx, { jobId: job.id, accountId: job.accountId, apiKeyId: job.apiKeyId, event, url, target, payload: null }, now)
}

/**
 * Inserts one pending delivery. `payload` null: rendered from the job by its dialect on the first
 * attempt; given: sent as it is (events that are not a job's, such as `balance.low`).
 */
export async function queueDelivery(
  trx: Kysely<Database>,
  d: Pick<WebhookDeliveriesTable, 'jobId' | 'accountId' | 'apiKeyId' | 'event' | 'url' | 'target' | 'payload'>,
  now: number,
): Promise<void> {
  await trx
    .insertInto('webhookDeliveries')
    .values({ id: newId('whk', now), ...d, status: 'pending', attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseExpiresAt: null, lastStatus: null, createdAt: now, deliveredAt: null })
    .execute()
}
