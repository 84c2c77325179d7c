import { sql } from 'kysely'
import { isActive } from '../active.js'
import type { Db } from './db.js'

/** The account's queued and processing jobs (the plan's active-job limit), as the triggers of migration 0015 keep it. */
export async function countActiveJobs(db: Db, accountId: string): Promise<number> {
  const r = await db.selectFrom('accounts').select('activeJobs').where('id', '=', accountId).executeTakeFirst()
  return Number(r?.activeJobs ?? 0)
}

/**
 * Jobs a channel is running now (accepted, not finished), across all processes. Counting stops
 * at `atMost`: a channel with 50,000 running tasks costs no more to check than one at its cap.
 */
export async function countActiveOnChannel(db: Db, channelId: string, atMost?: number): Promise<number> {
  let running = db.selectFrom('jobs').select('id').where('channel', '=', channelId).where(isActive)
  if (atMost !== undefined) running = running.limit(atMost)
  const r = await db
    .selectFrom(running.as('running'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Quoted credits of the account's jobs since `since` that were not released (the monthly quota). */
export async function sumUnreleasedPrices(db: Db, accountId: string, since: number): Promise<number> {
  const r = await db
    .selectFrom('jobs')
    .select(sql<number>`coalesce(sum(price), 0)`.as('total'))
    .where('accountId', '=', accountId)
    .where('createdAt', '>=', since)
    .where('status', 'in', ['queued', 'processing', 'succeeded'])
    .executeTakeFirstOrThrow()
  return Number(r.total)
}
