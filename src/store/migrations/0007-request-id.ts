import type { Kysely } from 'kysely'

// The request that created a job, so the worker's log lines for it can be joined to the API's.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('request_id', 'text').execute()
}
