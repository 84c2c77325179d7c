import type { Store } from '../store/db.js'
import { claimJobs, hasDueJobs, type ClaimLane } from '../store/jobs/index.js'
import type { JobsTable } from '../store/schema.js'

export type { ClaimLane } from '../store/jobs/index.js'

/**
 * Leases up to `limit` due jobs of a lane to `owner` and bumps their `attempt`, the fencing
 * token every later write of this worker must present. `polls`: jobs an upstream is running,
 * whose next step is a status request; `steps`: submits and local renders.
 */
export async function claimDueJobs(store: Store, owner: string, now: number, leaseMs: number, limit: number, lane: ClaimLane = 'all'): Promise<JobsTable[]> {
  // Most claims find nothing (a loop looks again whenever an item ends); a read tells first.
  if (!(await hasDueJobs(store.db, now, lane))) return []
  // A lost claim (power cut) only means the job is claimed again: no flush needed.
  return store.lightTransaction((trx) => claimJobs(trx, { owner, now, leaseMs, limit, lane, skipLocked: store.caps.skipLocked }))
}
