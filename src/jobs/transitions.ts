import { ledger } from '../ledger/ledger.js'
import { enqueueWebhook } from '../webhooks/outbox.js'
import type { Store } from '../store/db.js'
import type { JobsTable } from '../store/schema.js'
import type { StoredOutput } from './job-model.js'
import { isActive } from '../store/active.js'

type Patch = Partial<Omit<JobsTable, 'id' | 'accountId'>>

/**
 * Writes by a worker that holds a lease. Each is a compare-and-set on (id, status, attempt):
 * a worker whose lease was taken over, or a job cancelled meanwhile, updates zero rows and
 * must then do nothing else — no capture, no release, no webhook.
 */
export function createTransitions(store: Store) {
  const { db } = store
  const batch = createFencedBatch((writes) =>
    store.lightTransaction(async (trx) => {
      const ok: boolean[] = []
      for (const w of writes) ok.push(await fenced(trx, w.job, w.patch))
      return ok
    }),
  )

  async function fenced(trx: typeof db, job: JobsTable, patch: Patch): Promise<boolean> {
    const res = await trx
      .updateTable('jobs')
      .set(patch)
      .where('id', '=', job.id)
      .where('status', '=', job.status)
      .where('attempt', '=', job.attempt)
      .executeTakeFirst()
    return Number(res.numUpdatedRows) === 1
  }

  return {
    /** A non-terminal update that keeps the lease (the step goes on). */
    mark(job: JobsTable, patch: Patch, now: number): Promise<boolean> {
      return fenced(db, job, { ...patch, updatedAt: now })
    },

    /** A non-terminal update that also gives the lease back. */
    update(job: JobsTable, patch: Patch, now: number): Promise<boolean> {
      return fenced(db, job, { ...patch, leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
    },

    /**
     * `update`, committed together with the other polls that finish in the same tick: a worker
     * tracking thousands of upstream tasks writes one transaction (one fsync) per batch of
     * polls instead of one per poll. Each write stays fenced on its own.
     */
    updateBatched(job: JobsTable, patch: Patch, now: number): Promise<boolean> {
      return batch.add(job, { ...patch, leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
    },

    /** succeeded + capture in one transaction. */
    succeed(job: JobsTable, outputs: StoredOutput[], actualCost: number | undefined, now: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const ok = await fenced(trx, job, {
          status: 'succeeded',
          progress: 100,
          outputs: JSON.stringify(outputs),
          finishedAt: now,
          updatedAt: now,
          leaseOwner: null,
          leaseExpiresAt: null,
        })
        if (!ok) return false
        const { shortfall } = await ledger.capture(trx, job.accountId, job.id, job.price, actualCost ?? job.price, now)
        if (shortfall > 0) {
          await trx.updateTable('jobs').set({ errorDetail: `upstream cost exceeded the hold by ${shortfall} credits` }).where('id', '=', job.id).execute()
        }
        await enqueueWebhook(trx, job, 'job.succeeded', now)
        return true
      })
    },

    /** failed + release in one transaction. */
    fail(job: JobsTable, code: string, message: string, detail: string | null, now: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const ok = await fenced(trx, job, {
          status: 'failed',
          errorCode: code,
          errorMessage: message,
          errorDetail: detail,
          finishedAt: now,
          updatedAt: now,
          leaseOwner: null,
          leaseExpiresAt: null,
        })
        if (!ok) return false
        await ledger.release(trx, job.accountId, job.id, job.price, code, now)
        await enqueueWebhook(trx, job, 'job.failed', now)
        return true
      })
    },

    /** Fails every active job past its deadline and releases its hold; returns how many. */
    async sweepDeadlines(now: number, limit = 200): Promise<JobsTable[]> {
      const late = await db
        .selectFrom('jobs')
        .selectAll()
        .where(isActive)
        .where('deadlineAt', '<', now)
        .limit(limit)
        .execute()
      const swept: JobsTable[] = []
      for (const job of late) {
        // The deadline wins over any lease: the CAS on status makes a late worker write a no-op.
        const ok = await db.transaction().execute(async (trx) => {
          const res = await trx
            .updateTable('jobs')
            .set({ status: 'failed', errorCode: 'timeout', errorMessage: 'The job did not finish before its deadline.', finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
            .where('id', '=', job.id)
            .where('status', '=', job.status)
            .executeTakeFirst()
          if (Number(res.numUpdatedRows) !== 1) return false
          await ledger.release(trx, job.accountId, job.id, job.price, 'timeout', now)
          await enqueueWebhook(trx, job, 'job.failed', now)
          return true
        })
        if (ok) swept.push(job)
      }
      return swept
    },
  }
}

export type Transitions = ReturnType<typeof createTransitions>

interface FencedWrite {
  job: JobsTable
  patch: Patch
  resolve(ok: boolean): void
  reject(err: unknown): void
}

/**
 * Gathers writes made in one event-loop turn and commits them together. While a batch commits,
 * the next one gathers, so batches grow with load and stay at one write when idle.
 */
function createFencedBatch(commit: (writes: FencedWrite[]) => Promise<boolean[]>, maxBatch = 100) {
  const pending: FencedWrite[] = []
  let running = false

  async function drain(): Promise<void> {
    running = true
    while (pending.length > 0) {
      const writes = pending.splice(0, maxBatch)
      try {
        const ok = await commit(writes)
        writes.forEach((w, i) => w.resolve(ok[i]!))
      } catch (err) {
        for (const w of writes) w.reject(err)
      }
      // A synchronous database holds the event loop for the whole commit: let I/O in between.
      if (pending.length > 0) await new Promise((r) => setImmediate(r))
    }
    running = false
  }

  return {
    add(job: JobsTable, patch: Patch): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ job, patch, resolve, reject })
        if (!running) {
          running = true
          setImmediate(() => void drain())
        }
      })
    },
  }
}
