import { sql } from 'kysely'
import type { StoreAdapter } from '../adapter.js'
import { sqliteErrors } from './errors.js'

/** SQLite: one process, one writer at a time (every transaction begins IMMEDIATE). */
export function createSqliteAdapter(synchronous: 'FULL' | 'NORMAL'): StoreAdapter {
  return {
    ...sqliteErrors,
    caps: { dialect: 'sqlite', skipLocked: false, rowLocks: false, notify: false },
    // BEGIN IMMEDIATE already holds the only write lock there is.
    lockAccount: async () => undefined,
    // In WAL mode synchronous=NORMAL commits without fsync; the setting belongs to the one
    // connection, which is held for the whole call, so no other write runs relaxed.
    lightTransaction: (db, fn) =>
      db.connection().execute(async (conn) => {
        await sql`pragma synchronous = NORMAL`.execute(conn)
        try {
          return await conn.transaction().execute(fn)
        } finally {
          await sql.raw(`pragma synchronous = ${synchronous}`).execute(conn)
        }
      }),
    notify: async () => false,
  }
}
