import { updated, type Db } from './db.js'

/** Hides the account's job from every read; its row and ledger entries are kept. */
export async function markJobDeleted(db: Db, accountId: string, id: string, now: number): Promise<boolean> {
  return updated(await db.updateTable('jobs').set({ deletedAt: now }).where('id', '=', id).where('accountId', '=', accountId).executeTakeFirst()) === 1
}
