import { PostgresAdapter, sql, type Kysely } from 'kysely'

// The plan's active-job limit read `count(*)` of the account's queued and processing jobs on
// every submit, a cost that grew with them (368 µs at 4,000 active). The count is now kept on
// the account by triggers, in the same statement as any change of a job's status, so every
// writer (job service, worker, sweeps, CLI, another process) keeps it exact without knowing.
// The status lists must stay `('queued', 'processing')` (store/active.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('active_jobs', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await sql`update accounts set active_jobs = (select count(*) from jobs where jobs.account_id = accounts.id and jobs.status in ('queued', 'processing'))`.execute(db)
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`
      create function jobs_active_jobs() returns trigger language plpgsql as $$
      declare
        was boolean := tg_op <> 'INSERT' and old.status in ('queued', 'processing');
        now_active boolean := tg_op <> 'DELETE' and new.status in ('queued', 'processing');
      begin
        if was and not now_active then
          update accounts set active_jobs = active_jobs - 1 where id = old.account_id;
        elsif now_active and not was then
          update accounts set active_jobs = active_jobs + 1 where id = new.account_id;
        end if;
        return null;
      end $$`.execute(db)
    await sql`create trigger jobs_active_jobs after insert or delete or update of status on jobs for each row execute function jobs_active_jobs()`.execute(db)
    return
  }
  await sql`
    create trigger jobs_active_insert after insert on jobs when new.status in ('queued', 'processing')
    begin update accounts set active_jobs = active_jobs + 1 where id = new.account_id; end`.execute(db)
  await sql`
    create trigger jobs_active_delete after delete on jobs when old.status in ('queued', 'processing')
    begin update accounts set active_jobs = active_jobs - 1 where id = old.account_id; end`.execute(db)
  await sql`
    create trigger jobs_active_update after update of status on jobs
    when (old.status in ('queued', 'processing')) <> (new.status in ('queued', 'processing'))
    begin
      update accounts set active_jobs = active_jobs + (case when new.status in ('queued', 'processing') then 1 else -1 end)
      where id = new.account_id;
    end`.execute(db)
}
