import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { claimDueJobs } from '../../src/jobs/claim.js'
import { startFakeArk, type FakeArk } from '../support/fakes/ark-server.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { useMp4Fixture } from '../providers/support.js'
import { openSystem, type System } from './support/system.js'

/**
 * Model-based test of the ledger and the job state machine (fast-check `commands`): random
 * interleavings of submit, replay, cancel, worker runs whose upstream succeeds, fails or
 * stalls, deadline sweeps, grants and crash-restarts (a worker dies holding leases, the process
 * is replaced) are checked against a few lines of model after every step: each job's status and
 * charge, each account's balance and reserve, the job count, and the ledger invariants.
 * REELAY_MODEL_RUNS sets the number of sequences (default 12), REELAY_FUZZ_SEED the seed.
 */
const RUNS = Number(process.env.REELAY_MODEL_RUNS ?? 12)
const SEED = Number(process.env.REELAY_FUZZ_SEED ?? 12_012)
const mp4 = useMp4Fixture('reelay-model-')

type Fate = 'succeed' | 'fail' | 'stall'
type Status = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled'
type Acct = 'A' | 'B'
interface Model {
  accounts: Record<Acct, { balance: number; reserved: number }>
  /** `acct/key` → the body it was first used with and its job (none when refused). */
  keys: Map<string, { variant: number; fate: Fate; jobId: string | null }>
  jobs: Map<string, { acct: Acct; price: number; fate: Fate; status: Status }>
}
interface Real {
  sys: System
  fake: FakeArk
  auth: Record<Acct, Record<string, string>>
  names: Record<Acct, string>
}
const counters = { sequences: 0, commands: 0, restarts: 0, settled: new Map<Status, number>() }

const ACTIVE = new Set<Status>(['queued', 'processing'])
const priceOf = (variant: number) => (variant === 0 ? 200 : 400) // seedance-2.0 720p: 40 credits/s × 5 or 10 s
const bodyOf = (variant: number, fate: Fate) => ({ prompt: `model test, the upstream will ${fate}`, model: 'seedance-2.0', size: '16:9_MEDIUM', duration: variant === 0 ? 5 : 10 })

/** Every figure the customer can see, compared with the model. */
async function agree(m: Model, r: Real): Promise<void> {
  for (const acct of ['A', 'B'] as const) {
    const u = (await r.sys.app.inject({ method: 'GET', url: '/v1/usage', headers: r.auth[acct] })).json()
    expect({ acct, balance: u.balance, reserved: u.reserved }).toEqual({ acct, ...m.accounts[acct] })
  }
  for (const [id, j] of m.jobs) {
    // chargedCredits: the hold while running, the capture once succeeded, 0 once released.
    const got = (await r.sys.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: r.auth[j.acct] })).json()
    expect({ id, status: got.status, charged: got.chargedCredits }).toEqual({ id, status: j.status, charged: j.status === 'failed' || j.status === 'cancelled' ? 0 : j.price })
  }
  const rows = await r.sys.rt.store.db.selectFrom('jobs').select('id').execute()
  expect(rows.length).toBe(m.jobs.size)
  expect(await ledgerViolations(r.sys.rt.store)).toEqual([])
}

const settle = (m: Model, id: string, status: Status) => {
  const j = m.jobs.get(id)!
  const a = m.accounts[j.acct]
  a.reserved -= j.price
  if (status === 'succeeded') a.balance -= j.price
  j.status = status
  counters.settled.set(status, (counters.settled.get(status) ?? 0) + 1)
}

class Submit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly acct: Acct, readonly key: number, readonly variant: number, readonly fate: Fate) {}
  check = () => true
  async run(m: Model, r: Real): Promise<void> {
    const res = await r.sys.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...r.auth[this.acct], 'idempotency-key': `k${this.key}` }, payload: bodyOf(this.variant, this.fate) })
    const seen = m.keys.get(`${this.acct}/${this.key}`)
    if (seen?.jobId) {
      // A replay returns the original job; another body under the same key is a conflict.
      if (seen.variant === this.variant && seen.fate === this.fate) expect({ status: res.statusCode, jobId: res.json().jobId, replay: res.json().idempotentReplay }).toEqual({ status: 202, jobId: seen.jobId, replay: true })
      else expect(res.json().error?.code).toBe('idempotency_conflict')
    } else {
      const price = priceOf(this.variant)
      const a = m.accounts[this.acct]
      if (a.balance - a.reserved < price) {
        // Refused: no key is recorded, so the same key may be used again once there are credits.
        expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({ status: 402, code: 'insufficient_credits' })
      } else {
        expect(res.statusCode).toBe(202)
        const jobId = res.json().jobId as string
        m.keys.set(`${this.acct}/${this.key}`, { variant: this.variant, fate: this.fate, jobId })
        m.jobs.set(jobId, { acct: this.acct, price, fate: this.fate, status: 'queued' })
        a.reserved += price
      }
    }
    await agree(m, r)
  }
  toString = () => `submit(${this.acct}, k${this.key}, ${priceOf(this.variant)}, ${this.fate})`
}

class Cancel implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.jobs.size > 0
  async run(m: Model, r: Real): Promise<void> {
    const [id, j] = [...m.jobs][this.pick % m.jobs.size]!
    const res = await r.sys.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel`, headers: r.auth[j.acct] })
    if (ACTIVE.has(j.status)) {
      expect(res.statusCode).toBe(200)
      settle(m, id, 'cancelled')
    } else expect(res.json().error?.code).toBe('job_not_cancellable')
    await agree(m, r)
  }
  toString = () => `cancel(#${this.pick})`
}

/** The worker runs every due job: upstream tasks that are not stalled finish as fated. */
class RunWorker implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real): Promise<void> {
    // Past any lease a crashed worker left behind.
    r.sys.clock.advance(r.sys.config.REELAY_LEASE_MS + 1)
    await r.sys.rt.worker.drain()
    for (const t of r.fake.tasks.values()) if (!JSON.stringify(t.request).includes('will stall') && (t.status === 'queued' || t.status === 'running')) r.fake.finish(t.id)
    r.sys.clock.advance(60_000)
    await r.sys.rt.worker.drain()
    for (const [id, j] of m.jobs) {
      if (!ACTIVE.has(j.status)) continue
      if (j.fate === 'stall') j.status = 'processing'
      else settle(m, id, j.fate === 'succeed' ? 'succeeded' : 'failed')
    }
    await agree(m, r)
  }
  toString = () => 'worker'
}

/** Every active job passes its deadline: the sweep fails it with `timeout` and releases it. */
class Deadline implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real): Promise<void> {
    r.sys.clock.advance(31 * 60_000)
    await r.sys.rt.worker.sweep()
    for (const [id, j] of m.jobs) if (ACTIVE.has(j.status)) settle(m, id, 'failed')
    await agree(m, r)
  }
  toString = () => 'deadline'
}

class Grant implements fc.AsyncCommand<Model, Real> {
  constructor(readonly acct: Acct, readonly amount: number) {}
  check = () => true
  async run(m: Model, r: Real): Promise<void> {
    await r.sys.rt.accounts.grant(r.names[this.acct], this.amount)
    m.accounts[this.acct].balance += this.amount
    await agree(m, r)
  }
  toString = () => `grant(${this.acct}, ${this.amount})`
}

/** A worker claims due jobs and dies holding their leases; the process is replaced. */
class CrashRestart implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real): Promise<void> {
    await claimDueJobs(r.sys.rt.store, 'dead-worker', r.sys.clock.now(), r.sys.config.REELAY_LEASE_MS, 100)
    await r.sys.restart()
    counters.restarts++
    await agree(m, r)
  }
  toString = () => 'crash-restart'
}

const submit = fc.tuple(fc.constantFrom<Acct>('A', 'A', 'B'), fc.nat({ max: 5 }), fc.nat({ max: 1 }), fc.constantFrom<Fate>('succeed', 'succeed', 'fail', 'stall')).map(([a, k, v, f]) => new Submit(a, k, v, f))
// `commands` picks uniformly: repeating an entry weights it.
const commands = [
  submit,
  submit,
  submit,
  fc.nat({ max: 50 }).map((p) => new Cancel(p)),
  fc.constant(new RunWorker()),
  fc.constant(new RunWorker()),
  fc.constant(new Deadline()),
  fc.tuple(fc.constantFrom<Acct>('A', 'B'), fc.integer({ min: 1, max: 500 })).map(([a, n]) => new Grant(a, n)),
  fc.constant(new CrashRestart()),
]

const opened: { sys: System; fake: FakeArk }[] = []
afterAll(async () => {
  for (const o of opened.splice(0)) {
    await o.sys.close()
    await o.fake.close()
  }
  console.info(`ledger model: ${counters.sequences} sequences, ${counters.commands} commands, ${counters.restarts} crash-restarts; settled ${JSON.stringify(Object.fromEntries(counters.settled))}`)
})

describe('the ledger and job state machine against a model', () => {
  it('agree after every step of random submit/replay/cancel/worker/deadline/grant/crash sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'large' }), async (cmds) => {
        const fake = await startFakeArk({ video: mp4.mp4, getsPerStep: 0, outcomeFor: (b) => (JSON.stringify(b).includes('will fail') ? { kind: 'fail' } : { kind: 'succeed' }) })
        const sys = await openSystem({ channels: [{ id: 'ark1', fake }], env: { REELAY_WORKER_CONCURRENCY: '4' } })
        opened.push({ sys, fake })
        try {
          const A = await sys.customer('acct-a', 2_000)
          const B = await sys.customer('acct-b', 300)
          const model: Model = { accounts: { A: { balance: 2_000, reserved: 0 }, B: { balance: 300, reserved: 0 } }, keys: new Map(), jobs: new Map() }
          const real: Real = { sys, fake, auth: { A: A.auth, B: B.auth }, names: { A: A.name, B: B.name } }
          counters.sequences++
          counters.commands += [...cmds].length
          await fc.asyncModelRun(() => ({ model, real }), cmds)
        } finally {
          opened.splice(opened.findIndex((o) => o.sys === sys), 1)
          await sys.close()
          await fake.close()
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    )
  })
})
