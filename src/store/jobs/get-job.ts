import type { JobsTable } from '../schema.js'
import type { Db } from './db.js'

/** The job with this id, whoever owns it (workers, webhooks, replays). */
export function getJob(db: Db, id: string): Promise<JobsTable | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * The account's job with this id. Deleted jobs are hidden from customers, unless
 * `withDeleted` (a cancel must still find a job the customer is deleting).
 */
export function getOwnedJob(db: Db, accountId: string, id: string, opts: { withDeleted?: boolean } = {}): Promise<JobsTable | undefined> {
  let q = db.selectFrom('jobs').selectAll().where('id', '=', id).where('accountId', '=', accountId)
  if (!opts.withDeleted) q = q.where('deletedAt', 'is', null)
  return q.executeTakeFirst()
}

/** The job's row as a fencing worker last knew it: undefined once another attempt claimed it. */
export function getJobAtAttempt(db: Db, id: string, attempt: number): Promise<JobsTable | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).where('attempt', '=', attempt).executeTakeFirst()
}

/** Who owns a job (for dialects that answer 403 rather than 404 for another tenant's id). */
export async function getJobOwner(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('jobs').select('accountId').where('id', '=', id).executeTakeFirst())?.accountId
}

/** The job's stored outputs as JSON text (null before it succeeded), undefined when no such job. */
export async function getJobOutputs(db: Db, id: string): Promise<string | null | undefined> {
  return (await db.selectFrom('jobs').select('outputs').where('id', '=', id).executeTakeFirst())?.outputs
}

/** The dialect that created the job (its webhook shape and schedule). */
export async function getJobDialect(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('jobs').select('dialect').where('id', '=', id).executeTakeFirst())?.dialect
}
