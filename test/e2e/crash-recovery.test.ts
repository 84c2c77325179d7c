import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createAccounts } from '../../src/accounts/accounts.js'
import { systemClock } from '../../src/domain/clock.js'
import { sharedDatabase } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { freePort, kill9, startServer } from '../support/server-process.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-crash-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('kill -9 of the server under a load of idempotent submits', () => {
  it('keeps every acknowledged job exactly once, balances equal to the ledger, and no job stranded', async () => {
    writeFileSync(path.join(dataDir, 'prices.json'), JSON.stringify({ plans: { load: { name: 'Load', requestsPerMinute: 1_000_000, maxActiveJobs: 100_000, monthlyCreditQuota: null } } }))
    const database = await sharedDatabase(dataDir)
    const setup = await database.open()
    const accounts = createAccounts(setup, systemClock)
    await accounts.create('load', 'load', 1_000_000)
    const { key } = await accounts.createKey('load', null)
    await setup.close()

    const port = String(await freePort())
    const env = { ...database.env, PORT: port, REELAY_LEASE_MS: '1000', REELAY_WORKER_IDLE_MS: '20', REELAY_WORKER_CONCURRENCY: '2' }
    let server = await startServer(env)
    const base = `http://127.0.0.1:${port}`
    const TOTAL = 60
    const acked = new Map<string, string>()

    // Each client retries the same key and body until it gets a definitive answer.
    async function client(i: number): Promise<void> {
      const body = JSON.stringify({ prompt: `crash test picture ${i}`, size: '1:1_SMALL' })
      for (;;) {
        const res = await fetch(`${base}/v1/images/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'idempotency-key': `crash-${i}`, 'content-type': 'application/json' },
          body,
        }).catch(() => null)
        if (res?.status === 202) {
          const json = (await res.json()) as { jobId: string }
          const prev = acked.get(`crash-${i}`)
          if (prev) expect(json.jobId).toBe(prev)
          acked.set(`crash-${i}`, json.jobId)
          return
        }
        await new Promise((r) => setTimeout(r, 30))
      }
    }

    let next = 0
    const lanes = Array.from({ length: 8 }, async () => {
      while (next < TOTAL) await client(next++)
    })
    // Kill the server twice mid-load, restarting it each time.
    for (const after of [15, 40]) {
      while (acked.size < after) await new Promise((r) => setTimeout(r, 10))
      await kill9(server)
      server = await startServer(env)
    }
    await Promise.all(lanes)
    // Ask again for every key: each must replay the job first acknowledged.
    for (let i = 0; i < TOTAL; i++) await client(i)

    const store = await database.open()
    try {
      for (let t = 0; t < 1_800; t++) {
        const active = await store.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'processing']).execute()
        if (active.length === 0) break
        await new Promise((r) => setTimeout(r, 100))
      }
      const jobs = await store.db.selectFrom('jobs').select(['id', 'status']).execute()
      expect(acked.size).toBe(TOTAL)
      expect(new Set(acked.values()).size).toBe(TOTAL)
      // Every acknowledged job exists exactly once, and nothing else was created.
      expect(jobs.map((j) => j.id).sort()).toEqual([...acked.values()].sort())
      expect(jobs.filter((j) => j.status !== 'succeeded')).toEqual([])
      expect(await ledgerViolations(store)).toEqual([])
    } finally {
      await store.close()
      await kill9(server)
      await database.drop()
    }
  }, 300_000)
})
