import type { Kysely } from 'kysely'
import { isActive } from '../store/active.js'
import type { Database } from '../store/schema.js'

/**
 * Jobs a channel is running now (accepted, not finished), across all processes. Counting stops
 * at `atMost`: a channel with 50,000 running tasks costs no more to check than one at its cap.
 */
export async function countActiveOnChannel(db: Kysely<Database>, channelId: string, atMost?: number): Promise<number> {
  let running = db.selectFrom('jobs').select('id').where('channel', '=', channelId).where(isActive)
  if (atMost !== undefined) running = running.limit(atMost)
  const r = await db
    .selectFrom(running.as('running'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}
