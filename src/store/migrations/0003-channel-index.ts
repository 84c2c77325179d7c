import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Channels that refused this job's submit; the next attempt tries the others first.
  await db.schema.alterTable('jobs').addColumn('refused_channels', 'text').execute()
  // The router counts each channel's active jobs before choosing it.
  await db.schema
    .createIndex('jobs_active_channel')
    .on('jobs')
    .columns(['channel', 'upstream_id'])
    .where(sql.ref('status'), 'in', sql`('queued', 'processing')`)
    .execute()
}
