import type { Store } from '../store/db.js'
import type { JobsTable } from '../store/schema.js'
import { isActive } from '../store/active.js'

/**
 * Leases up to `limit` due jobs to `owner` and bumps their `attempt`, the fencing token every
 * later write of this worker must present.
 */
export async function claimDueJobs(store: Store, owner: string, now: number, leaseMs: number, limit: number): Promise<JobsTable[]> {
  const { db, caps } = store
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where(isActive)
    .where('nextRunAt', '<=', now)
    .where((eb) => eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<', now)]))
    .orderBy('nextRunAt')
    .limit(limit)
  // PostgreSQL: workers on many machines skip each other's rows instead of queueing on them.
  if (caps.skipLocked) due = due.forUpdate().skipLocked()
  return db
    .updateTable('jobs')
    .set((eb) => ({ leaseOwner: owner, leaseExpiresAt: now + leaseMs, attempt: eb('attempt', '+', 1), updatedAt: now }))
    .where('id', 'in', due)
    .where(isActive)
    .returningAll()
    .execute()
}
