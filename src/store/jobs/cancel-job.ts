import { isActive } from '../active.js'
import { updated, type Db } from './db.js'

/**
 * `cancelled`, compared on "still active" only: a worker that finished the job meanwhile won and
 * nothing changes; any other worker write (a claim, a poll) does not stop a cancel, and that
 * worker's own fenced writes then fail on the changed status. The caller releases the hold in
 * the same transaction when this returns true.
 */
export async function cancelJob(db: Db, id: string, now: number): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', errorCode: 'cancelled', errorMessage: 'The job was cancelled.', finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
    .where('id', '=', id)
    .where(isActive)
    .executeTakeFirst()
  return updated(res) === 1
}
