import { sql } from 'kysely'
import type { StoreAdapter } from '../adapter.js'
import { postgresErrors } from './errors.js'

/** PostgreSQL: many processes, row locks, SKIP LOCKED claims and LISTEN/NOTIFY. */
export function createPostgresAdapter(): StoreAdapter {
  return {
    isUniqueViolation: postgresErrors.isUniqueViolation,
    isBusy: postgresErrors.isBusy,
    caps: { dialect: 'postgres', skipLocked: true, rowLocks: true, notify: true },
    async lockAccount(trx, accountId) {
      await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute()
    },
    // Asynchronous commit for this transaction only: it cannot corrupt or reorder anything,
    // at worst its effects vanish in a crash of the database server.
    lightTransaction: (db, fn) =>
      db.transaction().execute(async (trx) => {
        await sql`set local synchronous_commit = off`.execute(trx)
        return fn(trx)
      }),
    async notify(db, channel, payload = '') {
      await sql`select pg_notify(${channel}, ${payload})`.execute(db)
      return true
    },
  }
}
