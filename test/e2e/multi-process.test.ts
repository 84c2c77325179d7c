import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/db.js'
import { createAccounts } from '../../src/accounts/accounts.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { systemClock } from '../../src/domain/clock.js'
import { freshPgSchema, TEST_DB } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { startReceiver } from '../support/receiver.js'
import { freePort, kill9, startServer } from '../support/server-process.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-scale-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// PostgreSQL is what lets many processes share the work; this runs in the PostgreSQL suite.
describe.runIf(TEST_DB === 'postgres')('2 API and 3 worker processes on one PostgreSQL', () => {
  it('settles 2,000 jobs exactly once through kill -9 and a worker paused past its lease', async () => {
    const pg = await freshPgSchema()
    writeFileSync(path.join(dataDir, 'prices.json'), JSON.stringify({ plans: { load: { name: 'Load', requestsPerMinute: 10_000_000, maxActiveJobs: 10_000_000, monthlyCreditQuota: null } } }))
    const setup = openStore({ dataDir, databaseUrl: pg.url })
    await migrateToLatest(setup.db, 'postgres')
    const accounts = createAccounts(setup, systemClock)
    await accounts.create('scale', 'load', 10_000_000)
    const { key } = await accounts.createKey('scale', null)

    const receiver = await startReceiver()
    const base = { DATABASE_URL: pg.url, REELAY_DATA_DIR: dataDir, REELAY_LEASE_MS: '2000', REELAY_WORKER_IDLE_MS: '100', REELAY_WORKER_CONCURRENCY: '3', REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_WEBHOOK_TIMEOUT_MS: '1000', REELAY_DB_POOL_SIZE: '5' }
    const ports = [String(await freePort()), String(await freePort())]
    const apis = await Promise.all(ports.map((PORT) => startServer({ ...base, PORT })))
    const workerEnv = { ...base, PORT: '0' }
    const workers: ChildProcess[] = await Promise.all([0, 1, 2].map(() => startServer(workerEnv, 'worker')))
    const TOTAL = 2_000
    const acked = new Map<number, string>()
    let stop = false
    try {
      async function submit(i: number): Promise<void> {
        const body = JSON.stringify({ prompt: `scale picture ${i}`, webhookUrl: `${receiver.url}/hook` })
        for (let attempt = 0; ; attempt++) {
          const port = ports[(i + attempt) % 2]
          const res = await fetch(`http://127.0.0.1:${port}/v1/images/generate`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'idempotency-key': `scale-${i}`, 'content-type': 'application/json' },
            body,
          }).catch(() => null)
          if (res?.status === 202) {
            const { jobId } = (await res.json()) as { jobId: string }
            const prev = acked.get(i)
            if (prev && prev !== jobId) throw new Error(`key scale-${i} answered two jobs`)
            acked.set(i, jobId)
            return
          }
          await sleep(20)
        }
      }
      // Chaos: kill -9 a random worker every ~3 s and restart it; pause one past its lease once.
      const chaos = (async () => {
        let paused = false
        while (!stop) {
          await sleep(3_000)
          if (stop) break
          const i = Math.floor(Math.random() * workers.length)
          if (!paused) {
            paused = true
            workers[i]!.kill('SIGSTOP')
            await sleep(5_000)
            workers[i]!.kill('SIGCONT')
            continue
          }
          await kill9(workers[i]!)
          workers[i] = await startServer(workerEnv, 'worker')
        }
      })()
      let next = 0
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < TOTAL) await submit(next++)
      }))
      // Client retries after everything was acknowledged: every key replays its first job.
      for (let i = 0; i < TOTAL; i += 97) await submit(i)
      for (let t = 0; t < 3_000; t++) {
        const left = await setup.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'processing']).limit(1).execute()
        const pending = await setup.db.selectFrom('webhookDeliveries').select('id').where('status', '=', 'pending').limit(1).execute()
        if (left.length === 0 && pending.length === 0) break
        await sleep(200)
      }
      stop = true
      await chaos

      const jobs = await setup.db.selectFrom('jobs').select(['id', 'status', 'finishedAt']).execute()
      expect(acked.size).toBe(TOTAL)
      expect(jobs.map((j) => j.id).sort()).toEqual([...new Set(acked.values())].sort())
      expect(jobs.filter((j) => j.status !== 'succeeded' || j.finishedAt === null)).toEqual([])
      expect(await ledgerViolations(setup)).toEqual([])
      const captures = await setup.db.selectFrom('ledgerEntries').select('jobId').where('kind', '=', 'capture').execute()
      expect(captures).toHaveLength(TOTAL)
      // Webhooks: every job's event arrived, and no attempt of a delivery was sent twice.
      const deliveries = await setup.db.selectFrom('webhookDeliveries').select(['id', 'status']).execute()
      expect(deliveries).toHaveLength(TOTAL)
      expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([])
      const seen = new Set<string>()
      const dupes: string[] = []
      for (const r of receiver.received) {
        const k = `${r.headers['webhook-id']}#${r.headers['x-reelay-attempt']}`
        if (seen.has(k)) dupes.push(k)
        seen.add(k)
      }
      expect(dupes).toEqual([])
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(TOTAL)
    } finally {
      stop = true
      for (const p of [...apis, ...workers]) {
        p.kill('SIGCONT')
        await kill9(p)
      }
      await receiver.close()
      await setup.close()
      await pg.drop()
    }
  }, 900_000)
})
