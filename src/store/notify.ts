import pg from 'pg'
import { sql } from 'kysely'
import type { Store } from './db.js'

export type Channel = 'reelay_jobs' | 'reelay_webhooks'

/**
 * Wakes idle workers at once on PostgreSQL (LISTEN/NOTIFY), so a job submitted through any API
 * process starts without waiting for a poll interval. SQLite deployments are one process: there
 * the in-process wake-up is enough and these are no-ops.
 */
export function createNotifier(store: Store, databaseUrl: string | undefined) {
  const enabled = store.caps.dialect === 'postgres' && Boolean(databaseUrl)
  let client: pg.Client | null = null
  return {
    async notify(channel: Channel): Promise<void> {
      if (!enabled) return
      await sql`select pg_notify(${channel}, '')`.execute(store.db).catch(() => undefined)
    },
    /** Calls `onWake(channel)` on every notification; reconnects after a dropped connection. */
    async listen(onWake: (channel: Channel) => void): Promise<void> {
      if (!enabled) return
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: databaseUrl })
        c.on('notification', (n) => onWake(n.channel as Channel))
        c.on('error', () => {
          client = null
          setTimeout(() => void connect().catch(() => undefined), 1_000).unref()
        })
        await c.connect()
        await c.query('LISTEN reelay_jobs')
        await c.query('LISTEN reelay_webhooks')
        client = c
      }
      await connect()
    },
    async close(): Promise<void> {
      const c = client
      client = null
      await c?.end().catch(() => undefined)
    },
  }
}
