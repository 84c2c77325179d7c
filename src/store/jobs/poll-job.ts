import type { JobsTable } from '../schema.js'
import type { Store } from '../db.js'

/** The columns a job's answer is built from (`toJob`), in every dialect's status poll. */
export type JobViewRow = Pick<
  JobsTable,
  | 'id'
  | 'accountId'
  | 'apiKeyId'
  | 'dialect'
  | 'model'
  | 'type'
  | 'params'
  | 'price'
  | 'status'
  | 'progress'
  | 'errorCode'
  | 'errorMessage'
  | 'outputs'
  | 'webhookUrl'
  | 'promptPipeline'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
  | 'updatedAt'
>

/** A job's row and its ledger figures (`jobCharges`), read in one statement. */
export type PolledJob = JobViewRow & { held: number; captured: number; released: number }

type Charges = Record<'held' | 'captured' | 'released', number | string | null>

// The kinds are literals, not parameters, so the planner uses ledger_job_kind (job_id, kind).
// No coalesce or cast in SQL: it costs more there than Number() does here (PostgreSQL's sum
// of a bigint is a numeric, which pg returns as a string).
const charge = (kind: string) => `(select sum(l.amount) from ledger_entries l where l.job_id = j.id and l.kind = '${kind}')`

/** The columns of a job's answer and its three ledger sums, over `jobs j` (the poll and the list). */
export const JOB_VIEW_SELECT = `select j.id, j.account_id as "accountId", j.api_key_id as "apiKeyId", j.dialect, j.model, j.type, j.params, j.price,
  j.status, j.progress, j.error_code as "errorCode", j.error_message as "errorMessage", j.outputs, j.webhook_url as "webhookUrl",
  j.prompt_pipeline as "promptPipeline", j.created_at as "createdAt", j.started_at as "startedAt", j.finished_at as "finishedAt",
  j.updated_at as "updatedAt", ${charge('hold')} as "held", ${charge('capture')} as "captured", ${charge('release')} as "released"
from jobs j`

const SQL = `${JOB_VIEW_SELECT} where j.id = ? and j.account_id = ? and j.deleted_at is null`
const BY_ID = `${JOB_VIEW_SELECT} where j.id = ?`

export type JobViewWithCharges = JobViewRow & Charges

/** The sums as numbers (PostgreSQL's sum of a bigint comes back as a string; no entry: null). */
export function withCharges(row: JobViewWithCharges): PolledJob {
  row.held = Number(row.held ?? 0)
  row.captured = Number(row.captured ?? 0)
  row.released = Number(row.released ?? 0)
  return row as PolledJob
}

/** A prepared job view: the row of its first answer with the sums as numbers, or undefined. */
function prepareView(store: Store, sql: string): (params: readonly unknown[]) => Promise<PolledJob | undefined> {
  const first = store.prepareFirst<JobViewWithCharges>(sql)
  return async (params) => {
    const row = await first(params)
    return row ? withCharges(row) : undefined
  }
}

/**
 * The account's job with this id and what it cost so far, hidden once deleted: what every
 * status poll answers from. Prepared once per store; committed state only (see `prepareFirst`).
 */
export function preparePollJob(store: Store): (accountId: string, id: string) => Promise<PolledJob | undefined> {
  const view = prepareView(store, SQL)
  return (accountId, id) => view([id, accountId])
}

/**
 * Any job by id with its charges, deleted or not: what a webhook is rendered from (its event
 * was queued before any delete). Prepared once per store; committed state only.
 */
export function prepareJobView(store: Store): (id: string) => Promise<PolledJob | undefined> {
  const view = prepareView(store, BY_ID)
  return (id) => view([id])
}
