import type { CanonicalParams, JobType } from '../domain/params.js'
import type { JobStatus } from '../domain/job-status.js'
import { jobCharges, NO_CHARGES, type JobCharges } from '../ledger/job-charges.js'
import type { Kysely } from 'kysely'
import type { Database, JobsTable } from '../store/schema.js'
import type { JobViewRow, PolledJob } from '../store/jobs/poll-job.js'
import { parseRecord, type PromptRecord } from '../prompts/record.js'

export interface StoredOutput {
  key: string
  mime: string
  width: number | null
  height: number | null
  durationSec: number | null
  bytes: number
  /** Hex SHA-256 of the stored bytes; absent on outputs stored before hashes were kept. */
  sha256?: string
  hasAudio: boolean
}

/** A job as every dialect sees it: customer-safe, no upstream names or raw errors. */
export interface Job {
  id: string
  accountId: string
  apiKeyId: string
  dialect: string
  model: string
  type: JobType
  params: CanonicalParams
  /** The quoted price, held at submit. What it actually cost is in `charges`. */
  price: number
  /** From the ledger: held, captured and released for this job. */
  charges: JobCharges
  status: JobStatus
  progress: number
  error: { code: string; message: string } | null
  outputs: StoredOutput[]
  webhookUrl: string | null
  /** The prompt pipeline's record; null on jobs made before it existed. */
  prompt: PromptRecord | null
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  updatedAt: number
}

/** Jobs with their ledger figures (one query for the lot). */
export async function loadJobs(db: Kysely<Database>, rows: JobsTable[]): Promise<Job[]> {
  const charges = await jobCharges(db, rows.map((r) => r.id))
  return rows.map((r) => toJob(r, charges.get(r.id) ?? NO_CHARGES))
}

export async function loadJob(db: Kysely<Database>, row: JobsTable): Promise<Job> {
  return (await loadJobs(db, [row]))[0]!
}

/** A job read with its charges in one statement (the poll, the list, a webhook's render). */
export function toViewedJob(row: PolledJob): Job {
  return toJob(row, { held: row.held, captured: row.captured, released: row.released })
}

export function toJob(row: JobViewRow, charges: JobCharges): Job {
  return {
    id: row.id,
    accountId: row.accountId,
    apiKeyId: row.apiKeyId,
    dialect: row.dialect,
    model: row.model,
    type: row.type,
    params: JSON.parse(row.params) as CanonicalParams,
    price: row.price,
    charges,
    status: row.status,
    progress: row.status === 'succeeded' ? 100 : row.progress,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    outputs: row.outputs ? (JSON.parse(row.outputs) as StoredOutput[]) : [],
    webhookUrl: row.webhookUrl,
    prompt: parseRecord(row.promptPipeline ?? null),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
  }
}
