import { hashToken, isToken, newToken } from './tokens.js'
import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { Database } from '../store/schema.js'

const PREFIX = 'setup-token:'
/** Written by the setup that won: a second concurrent setup fails on its primary key. */
const DONE = 'setup:done'
const SETUP_TTL_MS = 24 * 3_600_000

/**
 * The first operator on an empty database. Each start of an API process without users prints a
 * fresh one-time token (several processes may each print one; any works once). Only hashes are
 * stored, in `meta`.
 */
export function createSetup(store: Store, clock: Clock) {
  const { db } = store

  async function hasUsers(trx: Kysely<Database> = db): Promise<boolean> {
    return Boolean(await trx.selectFrom('users').select('id').limit(1).executeTakeFirst())
  }

  return {
    hasUsers,

    /** A new setup token while there are no users, else null. */
    async issueToken(): Promise<string | null> {
      if (await hasUsers()) return null
      const token = newToken('setup')
      await db
        .insertInto('meta')
        .values({ key: `${PREFIX}${hashToken(token)}`, value: String(clock.now() + SETUP_TTL_MS) })
        .execute()
      return token
    },

    /** In the setup transaction: true (and every setup token gone) when `token` is valid and no user exists. */
    async consume(trx: Kysely<Database>, token: string): Promise<boolean> {
      if (!isToken('setup', token) || (await hasUsers(trx))) return false
      const row = await trx
        .selectFrom('meta')
        .select('value')
        .where('key', '=', `${PREFIX}${hashToken(token)}`)
        .executeTakeFirst()
      if (!row || Number(row.value) <= clock.now()) return false
      await trx.deleteFrom('meta').where('key', 'like', `${PREFIX}%`).execute()
      await trx
        .insertInto('meta')
        .values({ key: DONE, value: String(clock.now()) })
        .execute()
      return true
    },
  }
}

export type Setup = ReturnType<typeof createSetup>
