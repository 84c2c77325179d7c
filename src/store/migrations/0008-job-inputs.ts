import type { Kysely } from 'kysely'

// What a job was given: each reference fetched at submit, stored once per content hash.
// Several jobs may share one stored object (same bytes), so deletion counts the rows of a key.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_inputs')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('has_audio', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_inputs_pk', ['job_id', 'slot', 'idx'])
    .execute()
  await db.schema.createIndex('job_inputs_key').on('job_inputs').column('storage_key').execute()
}
