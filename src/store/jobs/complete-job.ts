import type { StoredOutput } from '../../jobs/job-model.js'
import type { Db } from './db.js'
import { updateFencedJob, type Fence, type JobPatch } from './update-job.js'

/**
 * `succeeded` with its stored outputs, fenced on the claim. The caller captures the hold in the
 * same transaction when this returns true.
 */
export function completeJob(db: Db, job: Fence, outputs: StoredOutput[], now: number, patch: JobPatch = {}): Promise<boolean> {
  return updateFencedJob(db, job, { ...patch, status: 'succeeded', progress: 100, outputs: JSON.stringify(outputs), finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
}
