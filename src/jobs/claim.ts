import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely'
import { isActive } from '../store/active.js'
import type { Store } from '../store/db.js'
import type { Database, JobsTable } from '../store/schema.js'

/**
 * Which due jobs a claim takes. `polls`: jobs an upstream is running, whose next step is a
 * status request (cheap, I/O-bound, thousands at once). `steps`: everything else (submits,
 * studio renders), which costs CPU and is run a few at a time.
 */
export type ClaimLane = 'all' | 'polls' | 'steps'

// Written out exactly as in the lanes' partial indexes (migration 0004), so both databases use them.
const upstreamPoll = sql<SqlBool>`status = 'processing' and upstream_id is not null and coalesce(provider, '') <> 'studio'`
const LANES: Record<Exclude<ClaimLane, 'all'>, ReturnType<typeof sql<SqlBool>>> = {
  polls: upstreamPoll,
  steps: sql<SqlBool>`not (${upstreamPoll})`,
}

/**
 * Leases up to `limit` due jobs to `owner` and bumps their `attempt`, the fencing token every
 * later write of this worker must present.
 */
export async function claimDueJobs(store: Store, owner: string, now: number, leaseMs: number, limit: number, lane: ClaimLane = 'all'): Promise<JobsTable[]> {
  // A lost claim (power cut) only means the job is claimed again: no flush needed.
  return store.lightTransaction((db) => claimWith(db, store.caps.skipLocked, owner, now, leaseMs, limit, lane))
}

/** Due, unleased jobs of a lane: what a claim would take. */
function dueJobs(db: Kysely<Database>, now: number, lane: ClaimLane) {
  const due = db
    .selectFrom('jobs')
    .where(isActive)
    .where('nextRunAt', '<=', now)
    .where((eb) => eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<', now)]))
  return lane === 'all' ? due : due.where(LANES[lane])
}

/** The ids of up to `limit` due, unleased jobs of a lane, most overdue first. */
export function dueJobIds(db: Kysely<Database>, now: number, limit: number, lane: ClaimLane) {
  return dueJobs(db, now, lane).select('id').orderBy('nextRunAt').limit(limit)
}

/** How many jobs wait in a lane, and since when the oldest of them has been due. */
export async function laneBacklog(db: Kysely<Database>, now: number, lane: ClaimLane): Promise<{ depth: number; oldestDueAt: number | null }> {
  const r = await dueJobs(db, now, lane)
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number | null>('nextRunAt').as('oldest')])
    .executeTakeFirstOrThrow()
  return { depth: Number(r.n), oldestDueAt: r.oldest === null ? null : Number(r.oldest) }
}

function claimWith(db: Transaction<Database>, skipLocked: boolean, owner: string, now: number, leaseMs: number, limit: number, lane: ClaimLane): Promise<JobsTable[]> {
  let due = dueJobIds(db, now, limit, lane)
  // PostgreSQL: workers on many machines skip each other's rows instead of queueing on them.
  if (skipLocked) due = due.forUpdate().skipLocked()
  return db
    .updateTable('jobs')
    .set((eb) => ({ leaseOwner: owner, leaseExpiresAt: now + leaseMs, attempt: eb('attempt', '+', 1), updatedAt: now }))
    .where('id', 'in', due)
    .where(isActive)
    .returningAll()
    .execute()
}
