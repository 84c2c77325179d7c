import type { ChildProcess } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { TEST_DB } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { freePort, kill9, startServer } from '../support/server-process.js'
import { prepareDeployment, sleep, waitForQuiet } from './support/deployment.js'

/**
 * The kill -9 storm, on SQLite (one serving process, killed and restarted) and on PostgreSQL
 * (two API and two worker processes, a random one killed each time). Clients submit with
 * idempotency keys and retry until answered, and cancel some jobs. Nothing acknowledged may be
 * lost or doubled, every job must settle, and the ledger must balance.
 * REELAY_STORM_KILLS and REELAY_STORM_JOBS make it bigger.
 */
const KILLS = Number(process.env.REELAY_STORM_KILLS ?? 6)
const TOTAL = Number(process.env.REELAY_STORM_JOBS ?? 150)
const PRICE = 20 // gpt-image-2, LOW, 1K

describe(`kill -9 storm on ${TEST_DB}`, () => {
  it(`keeps every acknowledged job exactly once and the ledger exact through ${KILLS} kills`, async () => {
    const d = await prepareDeployment('reelay-storm-', 10_000_000)
    // A lease shorter than a loaded machine's render would let owners steal every job from each other.
    const common = { ...d.env, REELAY_LEASE_MS: '3000', REELAY_WORKER_IDLE_MS: '20', REELAY_WORKER_CONCURRENCY: '2' }
    const ports = TEST_DB === 'postgres' ? [String(await freePort()), String(await freePort())] : [String(await freePort())]
    const role = TEST_DB === 'postgres' ? 'api' : 'all'
    // procs[i] is restarted with specs[i] after each kill.
    const specs: { env: Record<string, string>; role: string }[] = [
      ...ports.map((PORT) => ({ env: { ...common, PORT }, role })),
      ...(TEST_DB === 'postgres' ? [0, 1].map(() => ({ env: { ...common, PORT: '0' }, role: 'worker' })) : []),
    ]
    const procs: ChildProcess[] = await Promise.all(specs.map((s) => startServer(s.env, s.role)))
    const acked = new Map<number, string>()
    const cancels = new Map<string, 'cancelled' | 'finished' | 'ambiguous'>()
    const statuses = new Map<number, number>()
    let killed = 0
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1)
    const headers = { authorization: `Bearer ${d.key}`, 'content-type': 'application/json' }

    /** Attempt `n` of client `i` goes to the next API process in turn. */
    async function call(i: number, path: string, body: string | undefined, n: number): Promise<Response | null> {
      const port = ports[(i + n) % ports.length]
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: body ? { ...headers, 'idempotency-key': `storm-${i}` } : { authorization: headers.authorization }, ...(body ? { body } : {}) }).catch(() => null)
      if (res) count(res.status)
      // Any other refusal is a bug, not something to retry.
      if (res && res.status >= 400 && res.status < 500 && res.status !== 409) throw new Error(`${path} → ${res.status} ${await res.text()}`)
      return res
    }
    async function client(i: number): Promise<void> {
      const body = JSON.stringify({ prompt: `storm picture ${i}`, size: '1:1_SMALL' })
      for (let n = 0; ; n++) {
        const res = await call(i, '/v1/images/generate', body, n)
        if (res?.status === 202) {
          const { jobId } = (await res.json()) as { jobId: string }
          const prev = acked.get(i)
          if (prev && prev !== jobId) throw new Error(`key storm-${i} answered ${prev} and then ${jobId}`)
          acked.set(i, jobId)
          break
        }
        await res?.body?.cancel()
        await sleep(25)
      }
      if (i % 5 !== 0 || cancels.has(acked.get(i)!)) return
      // Every fifth client cancels; a cancel whose answer was lost is ambiguous.
      const id = acked.get(i)!
      let lost = false
      for (let n = 0; ; n++) {
        const res = await call(i, `/v1/jobs/${id}/cancel`, undefined, n)
        if (res?.status === 200) return void cancels.set(id, 'cancelled')
        if (res?.status === 409) return void cancels.set(id, lost ? 'ambiguous' : 'finished')
        lost = true
        await res?.body?.cancel()
        await sleep(25)
      }
    }

    try {
      let next = 0
      let failed = false
      const lanes = Array.from({ length: 8 }, async () => {
        while (next < TOTAL) await client(next++)
      }).map((p) => p.catch((e: unknown) => ((failed = true), Promise.reject(e))))
      for (let k = 0; k < KILLS && !failed; k++) {
        while (!failed && acked.size < Math.floor((TOTAL * (k + 1)) / (KILLS + 1))) await sleep(10)
        const i = k % procs.length
        await kill9(procs[i]!)
        killed++
        procs[i] = await startServer(specs[i]!.env, specs[i]!.role)
      }
      await Promise.all(lanes)
      // Every key asked again, after all the crashes: each replays the job it first answered.
      for (let i = 0; i < TOTAL; i++) await client(i)
      await waitForQuiet(d.store)

      const jobs = await d.store.db.selectFrom('jobs').select(['id', 'status', 'price']).execute()
      expect(acked.size).toBe(TOTAL)
      expect(jobs.map((j) => j.id).sort()).toEqual([...acked.values()].sort())
      for (const j of jobs) {
        const c = cancels.get(j.id)
        const allowed = c === 'cancelled' ? ['cancelled'] : c === 'ambiguous' ? ['cancelled', 'succeeded'] : ['succeeded']
        expect({ id: j.id, status: allowed.includes(j.status) ? 'as expected' : j.status }).toEqual({ id: j.id, status: 'as expected' })
      }
      expect(await ledgerViolations(d.store)).toEqual([])
      const account = await d.store.db.selectFrom('accounts').select(['balance', 'reserved']).executeTakeFirstOrThrow()
      const succeeded = jobs.filter((j) => j.status === 'succeeded').length
      expect({ balance: Number(account.balance), reserved: Number(account.reserved) }).toEqual({ balance: 10_000_000 - succeeded * PRICE, reserved: 0 })
      // A crash shows as a refused connection, never as a server error.
      expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([])
      console.info(`kill -9 storm (${TEST_DB}): ${killed} kills survived, ${TOTAL} jobs acknowledged and kept, ${cancels.size} cancels, statuses ${JSON.stringify(Object.fromEntries(statuses))}, lost: 0`)
    } finally {
      for (const p of procs) await kill9(p)
      await d.close()
    }
  }, 600_000)
})
