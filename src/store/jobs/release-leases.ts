import { updated, type Db } from './db.js'

/** Hands back every lease `owner` holds (a worker stopping); returns how many. */
export async function releaseLeases(db: Db, owner: string): Promise<number> {
  return updated(await db.updateTable('jobs').set({ leaseOwner: null, leaseExpiresAt: null }).where('leaseOwner', '=', owner).executeTakeFirst())
}
