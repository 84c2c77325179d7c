import { newId } from '../domain/ids.js'
import { safeFetch, SafeFetchError } from '../net/safe-fetch.js'
import { signatureHeaders } from './sign.js'
import { createClaimLoop } from '../jobs/claim-loop.js'
import type { Clock } from '../domain/clock.js'
import type { UrlPolicy } from '../net/url-policy.js'
import type { ProviderLogger } from '../providers/provider.js'
import type { Store } from '../store/db.js'
import { createGroupCommit, DEFAULT_GROUP_COMMIT, type GroupCommitOptions } from '../store/group-commit.js'
import type { Database, WebhookDeliveriesTable } from '../store/schema.js'
import type { Kysely } from 'kysely'
import type { WebhookEndpoints } from './endpoints.js'
import type { JobEvents } from '../jobs/job-events.js'

export interface DispatcherDeps {
  store: Store
  clock: Clock
  log: ProviderLogger
  endpoints: WebhookEndpoints
  ownerId: string
  /** Delay before attempt k+1 after attempt k failed; its length + 1 is the number of attempts. */
  scheduleMs: number[]
  concurrency: number
  timeoutMs: number
  /** How long a claimed attempt is ours; after a crash another process retries it after this. */
  leaseMs: number
  policy: UrlPolicy
  /** True for a URL on this server: never sent to, whenever and however it was stored. */
  isSelf?: (url: string) => boolean
  /** The payload in the shape of the dialect that created the job. */
  render(delivery: WebhookDeliveriesTable): Promise<unknown>
  /** The retry schedule of the dialect that created the job, when it documents its own. */
  scheduleOf?(delivery: WebhookDeliveriesTable): Promise<number[] | undefined>
  /** Told how each attempt ended (the /metrics endpoint counts them). */
  onOutcome?: (outcome: 'delivered' | 'retry' | 'failed' | 'gone') => void
  /** A job that settled or was cancelled has queued its webhook: send it now. */
  events?: JobEvents
  /** How attempts' outcomes share commits (REELAY_GROUP_COMMIT_*). (Default: DEFAULT_GROUP_COMMIT) */
  groupCommit?: GroupCommitOptions
}

/**
 * Delivers the outbox: signed, at least once, across restarts. Each attempt is claimed with a
 * lease and fenced by its attempt number, so a stalled dispatcher cannot record over a newer one.
 */
export function createWebhookDispatcher(deps: DispatcherDeps) {
  const { store, clock, log } = deps
  const { db } = store
  // Attempts that end together record their outcomes in one commit (one fsync on SQLite).
  const record = createGroupCommit(store, deps.groupCommit ?? DEFAULT_GROUP_COMMIT)
  /** Pending deliveries due now and not leased to a live dispatcher, oldest first. */
  const dueIds = (q: Kysely<Database>, now: number) =>
    q
      .selectFrom('webhookDeliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<', now)]))
      .orderBy('nextAttemptAt')
  async function claim(limit: number): Promise<WebhookDeliveriesTable[]> {
    const now = clock.now()
    // Most claims find nothing (the loop looks again whenever a delivery ends); a read tells first.
    if ((await dueIds(db, now).limit(1).executeTakeFirst()) === undefined) return []
    // Committed without a flush, as job claims are: a lease lost to a power cut only means the
    // attempt runs again (delivery is at least once), and the attempt's outcome is a flushed
    // commit that makes the claim before it durable too.
    return store.lightTransaction((trx) => {
      let due = dueIds(trx, now).limit(limit)
      if (store.caps.skipLocked) due = due.forUpdate().skipLocked()
      return trx
        .updateTable('webhookDeliveries')
        .set((eb) => ({ leaseOwner: deps.ownerId, leaseExpiresAt: now + deps.leaseMs, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', due)
        .where('status', '=', 'pending')
        .returningAll()
        .execute()
    })
  }

  async function attempt(d: WebhookDeliveriesTable): Promise<void> {
    // Rendered on the first attempt and stored with its outcome, so every retry sends the same
    // bytes; a crash before that outcome renders it again.
    const rendered = d.payload === null
    const payload = d.payload ?? JSON.stringify(await deps.render(d))
    const secrets = await deps.endpoints.secretsFor(d.apiKeyId, d.accountId)
    const started = performance.now()
    const ts = Math.floor(clock.now() / 1000)
    let status: number | null = null
    let error: string | null = null
    let snippet: string | null = null
    try {
      if (deps.isSelf?.(d.url)) throw new SafeFetchError('address_not_allowed', 'the webhook URL points to this server')
      const res = await safeFetch(d.url, {
        policy: deps.policy,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Reelay-Webhooks/1.0', 'x-reelay-attempt': String(d.attempts), ...signatureHeaders(secrets, d.id, ts, payload) },
        body: payload,
        timeoutMs: deps.timeoutMs,
        maxBytes: 64 * 1024,
        followRedirects: 0,
      })
      status = res.status
      snippet = res.body.subarray(0, 256).toString('utf8')
    } catch (err) {
      error = err instanceof SafeFetchError ? err.code : String((err as Error)?.message ?? err)
    }
    const latencyMs = Math.round(performance.now() - started)
    const delivered = status !== null && status >= 200 && status < 300
    const schedule = (!delivered && (await deps.scheduleOf?.(d))) || deps.scheduleMs
    const now = clock.now()
    let outcome: 'delivered' | 'retry' | 'failed' | 'gone' = 'retry'
    await record(d.accountId, async (trx) => {
      await trx.insertInto('webhookAttempts').values({ id: newId('dlv', now), deliveryId: d.id, attempt: d.attempts, at: now, httpStatus: status, latencyMs, error, responseSnippet: snippet }).execute()
      const done = delivered
      const gone = status === 410
      const exhausted = d.attempts > schedule.length
      const patch = done
        ? { status: 'delivered' as const, deliveredAt: now }
        : gone || exhausted
          ? { status: 'failed' as const }
          : { nextAttemptAt: now + schedule[d.attempts - 1]! }
      await trx
        .updateTable('webhookDeliveries')
        .set({ ...patch, ...(rendered ? { payload } : {}), lastStatus: status, leaseOwner: null, leaseExpiresAt: null })
        .where('id', '=', d.id)
        .where('attempts', '=', d.attempts)
        .execute()
      outcome = done ? 'delivered' : gone ? 'gone' : exhausted ? 'failed' : 'retry'
    })
    deps.onOutcome?.(outcome)
    if (status === 410 && d.target === 'key') {
      await deps.endpoints.disable(d.apiKeyId, `the receiver answered 410 Gone at ${new Date(clock.now()).toISOString()}`)
      log.warn({ apiKeyId: d.apiKeyId, url: d.url }, 'webhook URL disabled after 410 Gone')
    }
  }

  const loop = createClaimLoop({ name: 'webhooks', concurrency: deps.concurrency, idleMs: 250, log, claim, run: attempt })
  deps.events?.on('terminal', () => loop.wake())
  deps.events?.on('cancelled', () => loop.wake())

  return {
    tick: loop.tick,
    wake: loop.wake,
    drain: loop.drain,
    start: loop.start,
    async stop(): Promise<void> {
      await loop.stop(deps.timeoutMs + 1_000)
      await db.updateTable('webhookDeliveries').set({ leaseOwner: null, leaseExpiresAt: null }).where('leaseOwner', '=', deps.ownerId).where('status', '=', 'pending').execute()
    },
  }
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>
