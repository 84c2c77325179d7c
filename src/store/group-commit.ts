import { sql, type Transaction } from 'kysely'
import type { Store } from './db.js'
import type { Database } from './schema.js'

export interface GroupCommitOptions {
  /**
   * How long the first write of a batch waits for others (REELAY_GROUP_COMMIT_MS). 0: until the
   * event loop's next turn, so a batch holds what arrived while the previous one committed and a
   * lone write waits for nothing.
   */
  windowMs: number
  /** Most writes per transaction (REELAY_GROUP_COMMIT_MAX); 1 turns grouping off. */
  maxBatch: number
}

/** Submits and job outcomes share commits from the next turn of the event loop, up to 64 at once. */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { windowMs: 0, maxBatch: 64 }

/** Runs `fn` in a transaction it may share with other writes; resolves only after that commit. */
export type GroupCommit = <T>(lockKey: string, fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>

interface Item {
  lockKey: string
  fn: (trx: Transaction<Database>) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * Durable writes that arrive together share one transaction, and so one flush to disk: on
 * SQLite a commit with synchronous=FULL is an fsync on the event loop, which capped submits at a
 * few hundred a second. Each write runs inside its own savepoint, so one that throws (credits,
 * limits, an idempotency conflict) is rolled back alone and the others commit. Nobody hears back
 * before the commit that holds their write, so a crash loses only unanswered requests.
 *
 * Where row locks exist (PostgreSQL), a batch takes its writes in `lockKey` order, so two
 * batches running at once lock accounts in the same order and cannot deadlock each other.
 */
export function createGroupCommit(store: Store, opts: GroupCommitOptions): GroupCommit {
  const { db } = store
  if (opts.maxBatch <= 1) return (_lockKey, fn) => db.transaction().execute(fn)
  // SQLite has one writer: a second batch would only wait for the first's connection.
  const concurrency = store.caps.rowLocks ? 4 : 1
  const pending: Item[] = []
  let running = 0
  let scheduled = false

  function schedule(): void {
    if (scheduled || running >= concurrency || pending.length === 0) return
    scheduled = true
    const flush = () => {
      scheduled = false
      void run(pending.splice(0, opts.maxBatch))
      schedule()
    }
    if (opts.windowMs > 0) setTimeout(flush, opts.windowMs)
    else setImmediate(flush)
  }

  async function run(batch: Item[]): Promise<void> {
    running++
    if (store.caps.rowLocks) batch.sort((a, b) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0))
    try {
      const outcomes = batch.length === 1 ? [await single(batch[0]!)] : await db.transaction().execute((trx) => savepoints(trx, batch))
      batch.forEach((item, i) => {
        const o = outcomes[i]!
        if (o.ok) item.resolve(o.value)
        else item.reject(o.error)
      })
    } catch (err) {
      // The transaction itself failed (its commit, or a rollback to a savepoint): nothing of the batch was written.
      for (const item of batch) item.reject(err)
    } finally {
      running--
      schedule()
    }
  }

  async function single(item: Item): Promise<Outcome> {
    try {
      return { ok: true, value: await db.transaction().execute(item.fn) }
    } catch (error) {
      return { ok: false, error }
    }
  }

  async function savepoints(trx: Transaction<Database>, batch: Item[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = []
    for (const item of batch) {
      await sql`savepoint group_item`.execute(trx)
      try {
        const value = await item.fn(trx)
        await sql`release savepoint group_item`.execute(trx)
        outcomes.push({ ok: true, value })
      } catch (error) {
        await sql`rollback to savepoint group_item`.execute(trx)
        await sql`release savepoint group_item`.execute(trx)
        outcomes.push({ ok: false, error })
      }
    }
    return outcomes
  }

  return <T>(lockKey: string, fn: (trx: Transaction<Database>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      pending.push({ lockKey, fn, resolve: resolve as (v: unknown) => void, reject })
      schedule()
    })
}
