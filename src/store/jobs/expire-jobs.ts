import { isActive } from '../active.js'
import type { JobsTable } from '../schema.js'
import { updated, type Db } from './db.js'

/** Active jobs past their deadline (at most `limit`). */
export function findExpiredJobs(db: Db, now: number, limit: number): Promise<JobsTable[]> {
  return db.selectFrom('jobs').selectAll().where(isActive).where('deadlineAt', '<', now).limit(limit).execute()
}

/**
 * Fails a job past its deadline with `timeout`. The deadline wins over any lease: the CAS is on
 * status only, so a worker still holding the job finds its own fenced writes refused. The caller
 * releases the hold in the same transaction when this returns true.
 */
export async function expireJob(db: Db, job: Pick<JobsTable, 'id' | 'status'>, now: number): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ status: 'failed', errorCode: 'timeout', errorMessage: 'The job did not finish before its deadline.', finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
    .where('id', '=', job.id)
    .where('status', '=', job.status)
    .executeTakeFirst()
  return updated(res) === 1
}
