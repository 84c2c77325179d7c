import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { isActive } from '../active.js'
import type { JobLane, JobsTable } from '../schema.js'
import type { Db } from './db.js'

/** Which due jobs a claim takes: one lane (`polls`, `steps`), or both. */
export type ClaimLane = 'all' | JobLane

// Literals, as in the lanes' partial indexes (migration 0014): SQLite uses a partial index only
// when the query repeats its WHERE at prepare time, which a bound parameter never does.
const LANES: Record<JobLane, RawBuilder<SqlBool>> = {
  polls: sql<SqlBool>`lane = 'polls'`,
  steps: sql<SqlBool>`lane = 'steps'`,
}

/** Due, unleased jobs of a lane: what a claim would take. */
function dueJobs(db: Db, now: number, lane: ClaimLane) {
  const due = db
    .selectFrom('jobs')
    .where(isActive)
    .where('nextRunAt', '<=', now)
    .where((eb) => eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<', now)]))
  return lane === 'all' ? due : due.where(LANES[lane])
}

/** The ids of up to `limit` due, unleased jobs of a lane, most overdue first. */
export function dueJobIds(db: Db, now: number, limit: number, lane: ClaimLane) {
  return dueJobs(db, now, lane).select('id').orderBy('nextRunAt').limit(limit)
}

/** Whether any job of the lane is due and unleased: one indexed read, where a claim is a write transaction. */
export async function hasDueJobs(db: Db, now: number, lane: ClaimLane): Promise<boolean> {
  return (await dueJobIds(db, now, 1, lane).executeTakeFirst()) !== undefined
}

/** How many jobs wait in a lane, and since when the oldest of them has been due. */
export async function laneBacklog(db: Db, now: number, lane: ClaimLane): Promise<{ depth: number; oldestDueAt: number | null }> {
  const r = await dueJobs(db, now, lane)
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number | null>('nextRunAt').as('oldest')])
    .executeTakeFirstOrThrow()
  return { depth: Number(r.n), oldestDueAt: r.oldest === null ? null : Number(r.oldest) }
}

export interface Claim {
  owner: string
  now: number
  leaseMs: number
  limit: number
  lane: ClaimLane
  /** PostgreSQL: skip rows other workers are claiming instead of queueing on them. */
  skipLocked: boolean
}

/**
 * Leases up to `limit` due jobs to `owner` and bumps their `attempt`, the fencing token every
 * later write of this worker must present. Returns the claimed rows as they now are.
 */
export function claimJobs(db: Db, c: Claim): Promise<JobsTable[]> {
  let due = dueJobIds(db, c.now, c.limit, c.lane)
  if (c.skipLocked) due = due.forUpdate().skipLocked()
  return db
    .updateTable('jobs')
    .set((eb) => ({ leaseOwner: c.owner, leaseExpiresAt: c.now + c.leaseMs, attempt: eb('attempt', '+', 1), updatedAt: c.now }))
    .where('id', 'in', due)
    .where(isActive)
    .returningAll()
    .execute()
}
