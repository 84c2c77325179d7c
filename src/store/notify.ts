import type pg from 'pg'
import { pgDriver } from './pg-module.js'
import type { NotifyChannel } from './adapter.js'
import type { Store } from './db.js'
import type { JobEvents } from '../jobs/job-events.js'

/** `reelay_keys` carries the id of a revoked API key, so every process drops it from its cache. */
export type Channel = NotifyChannel

/**
 * Wakes idle workers at once on PostgreSQL (LISTEN/NOTIFY), so a job submitted through any API
 * process starts without waiting for a poll interval, and tells every process of a revoked key.
 * SQLite deployments are one process: there the in-process paths are enough and these are no-ops.
 */
export function createNotifier(store: Store, databaseUrl: string | undefined) {
  const enabled = store.caps.notify && Boolean(databaseUrl)
  let client: pg.Client | null = null
  let closed = false
  async function notify(channel: Channel, payload = ''): Promise<void> {
    if (!enabled) return
    await store.adapter.notify(store.db, channel, payload).catch(() => undefined)
  }
  return {
    notify,
    /**
     * Carries this process's job events to the others: a submit wakes every worker, a cancel
     * every dispatcher (its webhook is queued).
     */
    relay(events: JobEvents): void {
      events.on('submitted', () => void notify('reelay_jobs'))
      events.on('cancelled', () => void notify('reelay_webhooks'))
    },
    /**
     * Calls `onMessage(channel, payload)` on every notification of `channels`; reconnects after
     * a dropped connection. Resolves once the first LISTEN is in place.
     */
    async listen(channels: Channel[], onMessage: (channel: Channel, payload: string) => void): Promise<void> {
      if (!enabled || channels.length === 0) return
      const connect = async (): Promise<void> => {
        const c = new (pgDriver().Client)({ connectionString: databaseUrl })
        c.on('notification', (n) => onMessage(n.channel as Channel, n.payload ?? ''))
        c.on('error', () => {
          client = null
          if (!closed) setTimeout(() => void connect().catch(() => undefined), 1_000).unref()
        })
        await c.connect()
        for (const ch of channels) await c.query(`LISTEN ${ch}`)
        client = c
      }
      await connect()
    },
    async close(): Promise<void> {
      closed = true
      const c = client
      client = null
      await c?.end().catch(() => undefined)
    },
  }
}

export type Notifier = ReturnType<typeof createNotifier>
