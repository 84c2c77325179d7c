import { sql } from 'kysely'
import type { Db } from './db.js'
import type { Fence } from './update-job.js'

/** What a still-running poll changes on its job. */
export interface PollRecord {
  progress: number
  pollCount: number
  nextRunAt: number
}

export interface PollWrite {
  job: Fence
  poll: PollRecord
  now: number
}

/**
 * Records many still-running polls in one statement (one round trip on PostgreSQL) and gives
 * their leases back, fenced row by row: a row whose status or attempt moved on is not joined.
 * Returns, per write, whether it landed.
 */
export async function recordPolls(db: Db, writes: PollWrite[]): Promise<boolean[]> {
  if (writes.length === 0) return []
  // `select … union all select …` rather than `(values …) as v(…)`: SQLite has no column list on VALUES.
  const rows = writes.map(
    (w) =>
      sql`select cast(${w.job.id} as text) as id, cast(${w.job.status} as text) as status, cast(${w.job.attempt} as integer) as attempt,
        cast(${w.poll.progress} as integer) as progress, cast(${w.poll.pollCount} as integer) as poll_count,
        cast(${w.poll.nextRunAt} as bigint) as next_run_at, cast(${w.now} as bigint) as now`,
  )
  const res = await sql<{ id: string }>`update jobs set progress = v.progress, poll_count = v.poll_count, next_run_at = v.next_run_at,
      lease_owner = null, lease_expires_at = null, updated_at = v.now
    from (${sql.join(rows, sql` union all `)}) as v
    where jobs.id = v.id and jobs.status = v.status and jobs.attempt = v.attempt
    returning jobs.id`.execute(db)
  const ok = new Set(res.rows.map((r) => r.id))
  return writes.map((w) => ok.has(w.job.id))
}
