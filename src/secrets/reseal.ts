import { sql } from 'kysely'
import { SEALED_PREFIX, type SecretBox } from './secret-box.js'
import type { Store } from '../store/db.js'

export interface ResealResult {
  /** Values rewritten (clear text sealed, or moved to the current key). */
  resealed: number
}

/**
 * Rewrites stored secrets. `legacy` seals clear-text values left by older versions (run at every
 * start; a no-op once done). `rotate` also moves values sealed under older keys of the ring to the
 * current key, after which the old keys can be dropped. Each row is a compare-and-set on its old
 * value, so processes doing this at once, or a secret rotated meanwhile, lose nothing.
 */
export async function resealSecrets(store: Store, box: SecretBox, mode: 'legacy' | 'rotate'): Promise<ResealResult> {
  const { db } = store
  const keep = mode === 'rotate' ? box.currentPrefix : SEALED_PREFIX
  const stale = (v: string | null): v is string => v !== null && !v.startsWith(keep)
  let resealed = 0
  if (store.caps.dialect === 'sqlite') {
    // Overwrite the freed space an old clear-text value leaves in its page, not just unlink it.
    await sql`pragma secure_delete = fast`.execute(db)
  }

  const metas = await db.selectFrom('meta').select(['key', 'value']).where('key', 'like', 'secret:%').where('value', 'not like', `${keep}%`).execute()
  for (const m of metas) {
    const r = await db.updateTable('meta').set({ value: box.seal(box.open(m.value)) }).where('key', '=', m.key).where('value', '=', m.value).executeTakeFirst()
    resealed += Number(r.numUpdatedRows)
  }

  const eps = await db
    .selectFrom('webhookEndpoints')
    .select(['apiKeyId', 'secret', 'previousSecret'])
    .where((eb) => eb.or([eb('secret', 'not like', `${keep}%`), eb.and([eb('previousSecret', 'is not', null), eb('previousSecret', 'not like', `${keep}%`)])]))
    .execute()
  for (const ep of eps) {
    const patch = {
      ...(stale(ep.secret) ? { secret: box.seal(box.open(ep.secret)) } : {}),
      ...(stale(ep.previousSecret) ? { previousSecret: box.seal(box.open(ep.previousSecret)) } : {}),
    }
    let q = db.updateTable('webhookEndpoints').set(patch).where('apiKeyId', '=', ep.apiKeyId).where('secret', '=', ep.secret)
    q = ep.previousSecret === null ? q.where('previousSecret', 'is', null) : q.where('previousSecret', '=', ep.previousSecret)
    const r = await q.executeTakeFirst()
    resealed += Number(r.numUpdatedRows) * Object.keys(patch).length
  }
  return { resealed }
}
