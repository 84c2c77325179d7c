import { sql, type Kysely } from 'kysely'

// One index per claim lane (see jobs/claim.ts; the WHERE texts must match its filters). With
// only jobs_due, a lane had to step over every due row of the other lane: while thousands of
// jobs waited to be submitted, each poll claim walked past all of them first.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index jobs_due_polls on jobs (next_run_at)
    where status = 'processing' and upstream_id is not null and coalesce(provider, '') <> 'studio'`.execute(db)
  await sql`create index jobs_due_steps on jobs (next_run_at)
    where status in ('queued', 'processing') and not (status = 'processing' and upstream_id is not null and coalesce(provider, '') <> 'studio')`.execute(db)
}
