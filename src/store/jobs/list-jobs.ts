import type { JobStatus } from '../../domain/job-status.js'
import type { JobType } from '../../domain/params.js'
import type { Store } from '../db.js'
import { JOB_VIEW_SELECT, withCharges, type JobViewWithCharges, type PolledJob } from './poll-job.js'

export interface JobPage {
  status?: JobStatus | undefined
  type?: JobType | undefined
  /** Only jobs with an id below this one (ids sort by creation time). */
  before?: string | undefined
  limit: number
}

// Optional filters as `(? is null or …)`, typed so PostgreSQL can plan them; the cursor gets a
// statement of its own, so `account_id = ? and id < ?` stays a range on jobs_account_id.
const FILTERS = `j.account_id = ? and j.deleted_at is null and (cast(? as text) is null or j.status = ?) and (cast(? as text) is null or j.type = ?)`
const FIRST_PAGE = `${JOB_VIEW_SELECT} where ${FILTERS} order by j.id desc limit ?`
const NEXT_PAGE = `${JOB_VIEW_SELECT} where ${FILTERS} and j.id < ? order by j.id desc limit ?`

/**
 * An account's visible jobs, newest first, with their charges; asks for one more than `limit`
 * so callers know if more exist. Two prepared statements (first page, after a cursor): what
 * `GET /v1/jobs` and every dialect's list answer from.
 */
export function prepareListJobs(store: Store): (accountId: string, page: JobPage) => Promise<PolledJob[]> {
  const first = store.prepareAll<JobViewWithCharges>(FIRST_PAGE)
  const next = store.prepareAll<JobViewWithCharges>(NEXT_PAGE)
  return async (accountId, page) => {
    const filters = [accountId, page.status ?? null, page.status ?? null, page.type ?? null, page.type ?? null]
    const rows = page.before ? await next([...filters, page.before, page.limit + 1]) : await first([...filters, page.limit + 1])
    return rows.map(withCharges)
  }
}
