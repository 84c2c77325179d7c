import { randomBytes } from 'node:crypto'
import type { Store } from './db.js'
import type { SecretBox } from '../secrets/secret-box.js'

/**
 * A secret generated on first start and kept in the database, sealed with the secret key, so
 * every API and worker process of one deployment agrees on it (e.g. the result-URL signing key).
 * Opening it is also the start-up check of the key: a wrong key fails here, with a clear error.
 */
export async function loadOrCreateSecret(store: Store, name: string, box: SecretBox): Promise<string> {
  const key = `secret:${name}`
  const existing = await store.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst()
  if (existing) return box.open(existing.value)
  await store.db
    .insertInto('meta')
    .values({ key, value: box.seal(randomBytes(32).toString('base64url')) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  // Re-read: a concurrent first start may have won the insert.
  const row = await store.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirstOrThrow()
  return box.open(row.value)
}
