import type { JobStatus } from '../../domain/job-status.js'
import type { JobType } from '../../domain/params.js'
import type { JobsTable } from '../schema.js'
import type { Db } from './db.js'

export interface JobPage {
  status?: JobStatus | undefined
  type?: JobType | undefined
  /** Only jobs with an id below this one (ids sort by creation time). */
  before?: string | undefined
  limit: number
}

/** An account's visible jobs, newest first; asks for one more than `limit` so callers know if more exist. */
export function listJobs(db: Db, accountId: string, page: JobPage): Promise<JobsTable[]> {
  let q = db
    .selectFrom('jobs')
    .selectAll()
    .where('accountId', '=', accountId)
    .where('deletedAt', 'is', null)
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
  if (page.status) q = q.where('status', '=', page.status)
  if (page.type) q = q.where('type', '=', page.type)
  if (page.before) q = q.where('id', '<', page.before)
  return q.execute()
}
