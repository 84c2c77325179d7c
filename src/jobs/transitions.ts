import { ledger } from '../ledger/ledger.js'
import { enqueueWebhook } from '../webhooks/outbox.js'
import type { Store } from '../store/db.js'
import { createGroupCommit, DEFAULT_GROUP_COMMIT, type GroupCommitOptions } from '../store/group-commit.js'
import type { JobsTable } from '../store/schema.js'
import type { StoredOutput } from './job-model.js'
import { completeJob, expireJob, failJob, findExpiredJobs, recordPolls, setErrorDetail, updateFencedJob, type JobPatch, type PollRecord, type PollWrite } from '../store/jobs/index.js'

export type { PollRecord } from '../store/jobs/index.js'

/**
 * Writes by a worker that holds a lease. Each is a compare-and-set on (id, status, attempt):
 * a worker whose lease was taken over, or a job cancelled meanwhile, updates zero rows and
 * must then do nothing else — no capture, no release, no webhook. Outcomes that settle together
 * (many jobs of one worker) share a commit, as submits do (`store/group-commit.ts`).
 */
export function createTransitions(store: Store, grouping: GroupCommitOptions = DEFAULT_GROUP_COMMIT) {
  const { db } = store
  const settle = createGroupCommit(store, grouping)
  // Still-running polls of one event-loop turn commit together, in a transaction that may skip the flush.
  const batch = createFencedBatch((writes) => store.lightTransaction((trx) => recordPolls(trx, writes)))

  return {
    /** A non-terminal update that keeps the lease (the step goes on). */
    mark(job: JobsTable, patch: JobPatch, now: number): Promise<boolean> {
      return updateFencedJob(db, job, { ...patch, updatedAt: now })
    },

    /**
     * Like `mark`, committed without a flush (`lightTransaction`): for a note whose loss in a
     * power cut only repeats work. It survives a crash of the process, and the next durable
     * commit flushes it.
     */
    note(job: JobsTable, patch: JobPatch, now: number): Promise<boolean> {
      return store.lightTransaction((trx) => updateFencedJob(trx, job, { ...patch, updatedAt: now }))
    },

    /** A non-terminal update that also gives the lease back. */
    update(job: JobsTable, patch: JobPatch, now: number): Promise<boolean> {
      return updateFencedJob(db, job, { ...patch, leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
    },

    /**
     * Records a poll that found the job still running and gives the lease back, committed with
     * the other polls that finish in the same tick: a worker tracking thousands of upstream tasks
     * writes one statement per batch of polls instead of one transaction per poll.
     */
    recordPoll(job: JobsTable, poll: PollRecord, now: number): Promise<boolean> {
      return batch.add({ job, poll, now })
    },

    /** succeeded + capture in one transaction; `patch` adds what the step learnt on the way (a sync upstream's id). */
    succeed(job: JobsTable, outputs: StoredOutput[], actualCost: number | undefined, now: number, patch: JobPatch = {}): Promise<boolean> {
      return settle(job.accountId, async (trx) => {
        if (!(await completeJob(trx, job, outputs, now, patch))) return false
        const { shortfall } = await ledger.capture(trx, job.accountId, job.id, job.price, actualCost ?? job.price, now)
        if (shortfall > 0) {
          await setErrorDetail(trx, job.id, `upstream cost exceeded the hold by ${shortfall} credits`)
        }
        await enqueueWebhook(trx, job, 'job.succeeded', now)
        return true
      })
    },

    /** failed + release in one transaction. */
    fail(job: JobsTable, code: string, message: string, detail: string | null, now: number): Promise<boolean> {
      return settle(job.accountId, async (trx) => {
        if (!(await failJob(trx, job, { code, message, detail }, now))) return false
        await ledger.release(trx, job.accountId, job.id, job.price, code, now)
        await enqueueWebhook(trx, job, 'job.failed', now)
        return true
      })
    },

    /** Fails every active job past its deadline and releases its hold; returns how many. */
    async sweepDeadlines(now: number, limit = 200): Promise<JobsTable[]> {
      const swept: JobsTable[] = []
      for (const job of await findExpiredJobs(db, now, limit)) {
        const ok = await db.transaction().execute(async (trx) => {
          if (!(await expireJob(trx, job, now))) return false
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

/**
 * Gathers writes made in one event-loop turn and commits them together. While a batch commits,
 * the next one gathers, so batches grow with load and stay at one write when idle.
 */
function createFencedBatch(commit: (writes: PollWrite[]) => Promise<boolean[]>, maxBatch = 100) {
  const pending: { write: PollWrite; resolve(ok: boolean): void; reject(err: unknown): void }[] = []
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
    add(write: PollWrite): Promise<boolean> {
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
