import { sql } from 'kysely'
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
  const batch = createFencedBatch(async (writes) => {
    // One statement for the whole batch (one round trip on PostgreSQL), still fenced row by row:
    // a row whose status or attempt moved on is simply not joined, and not returned.
    // `select … union all select …` rather than `(values …) as v(…)`: SQLite has no column list on VALUES.
    const rows = writes.map(
      (w) =>
        sql`select cast(${w.job.id} as text) as id, cast(${w.job.status} as text) as status, cast(${w.job.attempt} as integer) as attempt,
          cast(${w.poll.progress} as integer) as progress, cast(${w.poll.pollCount} as integer) as poll_count,
          cast(${w.poll.nextRunAt} as bigint) as next_run_at, cast(${w.now} as bigint) as now`,
    )
    const updated = await store.lightTransaction((trx) =>
      sql<{ id: string }>`update jobs set progress = v.progress, poll_count = v.poll_count, next_run_at = v.next_run_at,
          lease_owner = null, lease_expires_at = null, updated_at = v.now
        from (${sql.join(rows, sql` union all `)}) as v
        where jobs.id = v.id and jobs.status = v.status and jobs.attempt = v.attempt
        returning jobs.id`.execute(trx),
    )
    const ok = new Set(updated.rows.map((r) => r.id))
    return writes.map((w) => ok.has(w.job.id))
  })

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
     * Records a poll that found the job still running and gives the lease back, committed with
     * the other polls that finish in the same tick: a worker tracking thousands of upstream tasks
     * writes one statement per batch of polls instead of one transaction per poll.
     */
    recordPoll(job: JobsTable, poll: PollRecord, now: number): Promise<boolean> {
      return batch.add({ job, poll, now })
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

/** What a still-running poll changes on its job. */
export interface PollRecord {
  progress: number
  pollCount: number
  nextRunAt: number
}

interface FencedWrite {
  job: JobsTable
  poll: PollRecord
  now: number
}

/**
 * Gathers writes made in one event-loop turn and commits them together. While a batch commits,
 * the next one gathers, so batches grow with load and stay at one write when idle.
 */
function createFencedBatch(commit: (writes: FencedWrite[]) => Promise<boolean[]>, maxBatch = 100) {
  const pending: { write: FencedWrite; resolve(ok: boolean): void; reject(err: unknown): void }[] = []
  let running = false

  async function drain(): Promise<void> {
    running = true
    while (pending.length > 0) {
      const items = pending.splice(0, maxBatch)
      try {
        const ok = await commit(items.map((i) => i.write))
        items.forEach((item, k) => item.resolve(ok[k]!))
      } catch (err) {
        for (const item of items) item.reject(err)
      }
      // A synchronous database holds the event loop for the whole commit: let I/O in between.
      if (pending.length > 0) await new Promise((r) => setImmediate(r))
    }
    running = false
  }

  return {
    add(write: FencedWrite): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ write, resolve, reject })
        if (!running) {
          running = true
          setImmediate(() => void drain())
        }
      })
    },
  }
}
