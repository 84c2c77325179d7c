import { AppError } from '../errors.js'
import { enqueueWebhook, type WebhookEvent } from './outbox.js'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import { getOwnedJob } from '../store/jobs/index.js'

export interface DeliveryView {
  id: string
  jobId: string
  event: string
  url: string
  status: string
  attempts: number
  nextAttemptAt: string | null
  deliveredAt: string | null
  log: { attempt: number; at: string; httpStatus: number | null; latencyMs: number; error: string | null; response: string | null }[]
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** The delivery log customers read, and manual redelivery. */
export function createDeliveryLog(store: Store, clock: Clock, onQueued: () => void) {
  const { db } = store

  async function views(where: { jobId?: string; apiKeyId?: string; accountId: string }, limit: number): Promise<DeliveryView[]> {
    let q = db.selectFrom('webhookDeliveries').selectAll().where('accountId', '=', where.accountId).orderBy('createdAt', 'desc').limit(limit)
    if (where.jobId) q = q.where('jobId', '=', where.jobId)
    if (where.apiKeyId) q = q.where('apiKeyId', '=', where.apiKeyId)
    const rows = await q.execute()
    if (rows.length === 0) return []
    const attempts = await db.selectFrom('webhookAttempts').selectAll().where('deliveryId', 'in', rows.map((r) => r.id)).orderBy('attempt').execute()
    return rows.map((r) => ({
      id: r.id,
      jobId: r.jobId,
      event: r.event,
      url: r.url,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'pending' ? iso(r.nextAttemptAt) : null,
      deliveredAt: iso(r.deliveredAt),
      log: attempts
        .filter((a) => a.deliveryId === r.id)
        .map((a) => ({ attempt: a.attempt, at: new Date(a.at).toISOString(), httpStatus: a.httpStatus, latencyMs: a.latencyMs, error: a.error, response: a.responseSnippet })),
    }))
  }

  return {
    forJob: (accountId: string, jobId: string, limit = 50) => views({ accountId, jobId }, limit),
    forKey: (accountId: string, apiKeyId: string, limit = 20) => views({ accountId, apiKeyId }, limit),

    /**
     * Sends the job's terminal event again with the same `webhook-id`, or queues it now if it was
     * never queued (e.g. a default URL was set after the job finished).
     */
    async redeliver(accountId: string, jobId: string): Promise<DeliveryView> {
      const job = await getOwnedJob(db, accountId, jobId)
      if (!job) throw new AppError('not_found', 'No job with this id.')
      if (job.status === 'queued' || job.status === 'processing') throw new AppError('invalid_request', 'The job has not finished yet; it has no event to redeliver.', { field: 'jobId' })
      const now = clock.now()
      const latest = await db.selectFrom('webhookDeliveries').selectAll().where('jobId', '=', jobId).where('event', '!=', 'job.progress').orderBy('createdAt', 'desc').executeTakeFirst()
      if (latest) {
        await db.updateTable('webhookDeliveries').set({ status: 'pending', nextAttemptAt: now, leaseOwner: null, leaseExpiresAt: null }).where('id', '=', latest.id).execute()
      } else {
        await db.transaction().execute((trx) => enqueueWebhook(trx, job, `job.${job.status}` as WebhookEvent, now))
      }
      onQueued()
      const [view] = await views({ accountId, jobId }, 1)
      if (!view) throw new AppError('invalid_request', 'There is no webhook URL for this job or its API key.', { field: 'webhookUrl' })
      return view
    },
  }
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>
