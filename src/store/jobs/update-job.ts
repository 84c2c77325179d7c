import type { JobsTable } from '../schema.js'
import { updated, type Db } from './db.js'

export type JobPatch = Partial<Omit<JobsTable, 'id' | 'accountId'>>

/** What a fenced write compares: the row as the worker claimed it. */
export type Fence = Pick<JobsTable, 'id' | 'status' | 'attempt'>

/**
 * A compare-and-set on (id, status, attempt). False when the job moved on (cancelled, settled,
 * claimed again by another worker): the caller then must do nothing more.
 */
export async function updateFencedJob(db: Db, job: Fence, patch: JobPatch): Promise<boolean> {
  const res = await db.updateTable('jobs').set(patch).where('id', '=', job.id).where('status', '=', job.status).where('attempt', '=', job.attempt).executeTakeFirst()
  return updated(res) === 1
}

/** An operator note on a job, whatever its state (never shown to customers). */
export async function setErrorDetail(db: Db, id: string, detail: string): Promise<void> {
  await db.updateTable('jobs').set({ errorDetail: detail }).where('id', '=', id).execute()
}
