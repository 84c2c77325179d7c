import type { Kysely } from 'kysely'

// The region a job prefers (from its request, its account or the node that took it), and each
// account's default region. Null: no preference, every channel is equally near.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('region', 'text').execute()
  await db.schema.alterTable('accounts').addColumn('region', 'text').execute()
}
