import { sql, type Kysely } from 'kysely'

// The claim lane and the poll schedule are stored on the job, decided once when a channel accepts
// it (lane) or when it is submitted (the model's typical run time). The lanes' partial indexes
// then test a column instead of knowing which provider renders locally, and a poll needs no
// catalog lookup. Jobs already polling upstream when this runs stay in `steps` until their next
// poll, which moves them (jobs/poll-step.ts): no provider is named here.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('lane', 'text', (c) => c.notNull().defaultTo('steps'))
    .execute()
  await db.schema.alterTable('jobs').addColumn('poll_typical_ms', 'bigint').execute()
  await sql`drop index if exists jobs_due_polls`.execute(db)
  await sql`drop index if exists jobs_due_steps`.execute(db)
  // The WHERE texts must match store/jobs/claim-jobs.ts, or SQLite will not use them.
  await sql`create index jobs_due_polls on jobs (next_run_at) where status in ('queued', 'processing') and lane = 'polls'`.execute(db)
  await sql`create index jobs_due_steps on jobs (next_run_at) where status in ('queued', 'processing') and lane = 'steps'`.execute(db)
}
