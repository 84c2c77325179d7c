import { isActive } from '../active.js'
import type { JobsTable } from '../schema.js'
import { updated, type Db } from './db.js'

/** Makes the active job a channel knows as `upstreamId` due now (an upstream callback); false when none is active. */
export async function wakeJobByUpstream(db: Db, channelId: string, upstreamId: string, now: number): Promise<boolean> {
  const res = await db.updateTable('jobs').set({ nextRunAt: now }).where('channel', '=', channelId).where('upstreamId', '=', upstreamId).where(isActive).executeTakeFirst()
  return updated(res) > 0
}

/** The job a channel knows as `upstreamId`, whatever its state. */
export function findJobByUpstream(db: Db, channelId: string, upstreamId: string): Promise<Pick<JobsTable, 'id' | 'status' | 'errorCode'> | undefined> {
  return db.selectFrom('jobs').select(['id', 'status', 'errorCode']).where('channel', '=', channelId).where('upstreamId', '=', upstreamId).executeTakeFirst()
}
