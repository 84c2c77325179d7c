import { randomBytes } from 'node:crypto'
import type { Store } from './db.js'

/**
 * A secret generated on first start and kept in the database, so every API and worker process
 * of one deployment agrees on it (e.g. the result-URL signing key).
 */
export async function loadOrCreateSecret(store: Store, name: string): Promise<string> {
  const key = `secret:${name}`
  const existing = await store.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst()
  if (existing) return existing.value
  await store.db
    .insertInto('meta')
    .values({ key, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  // Re-read: a concurrent first start may have won the insert.
  const row = await store.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirstOrThrow()
  return row.value
}
