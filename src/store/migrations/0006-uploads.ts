import { sql, type Kysely } from 'kysely'

// Files customers upload (OpenAI edit images, video input references). A row is written before
// its object, so a crash between the two leaves a row the orphan sweep finds; `job_id` is set
// in the submit transaction, so an upload belongs to a job exactly when the job exists.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('uploads_job').on('uploads').column('job_id').execute()
  await db.schema.createIndex('uploads_orphans').on('uploads').column('created_at').where(sql.ref('job_id'), 'is', null).execute()
}
