import type { JobsTable } from '../schema.js'
import type { Db } from './db.js'

/** Adds a new job row; the caller holds its credits in the same transaction. */
export async function insertJob(db: Db, row: JobsTable): Promise<void> {
  await db.insertInto('jobs').values(row).execute()
}
