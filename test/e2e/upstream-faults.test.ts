import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeArk, type FakeArk } from '../support/fakes/ark-server.js'
import { faultsInjected, type FakeReply } from '../support/fakes/fake-kit.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { useMp4Fixture, UPSTREAM_NAMES } from '../providers/support.js'
import { openSystem, type System } from '../attack/support/system.js'

/**
 * Fault injection on the fake upstreams (real HTTP servers), with the worker driven on the
 * manual clock: 500s, timeouts, truncated and garbage bodies, slow and broken downloads and
 * Retry-After storms. Jobs must end in the right state, holds must be released, the ledger must
 * balance, and a failing channel's breaker must open and then close again.
 */
const mp4 = useMp4Fixture('reelay-faults-')
const PRICE = 200 // seedance-2.0, 5 s at 720p
const START = 1_000_000

let sys: System
let fakes: FakeArk[]
let cust: { name: string; key: string; auth: Record<string, string> }
const before = faultsInjected()
afterAll(() => console.info(`upstream faults: ${faultsInjected() - before} faulty upstream answers served`))

async function boot(n: number, env: Record<string, string> = {}) {
  fakes = []
  for (let i = 0; i < n; i++) fakes.push(await startFakeArk({ video: mp4.mp4, getsPerStep: 1 }))
  sys = await openSystem({ channels: fakes.map((fake, i) => ({ id: `ch${i + 1}`, fake, priority: i + 1, timeoutMs: 150 })), env })
  cust = await sys.customer('faults', START)
}
beforeEach(() => {
  fakes = []
})
afterEach(async () => {
  await sys?.close()
  for (const f of fakes) await f.close()
})

async function submit(key: string): Promise<string> {
  const res = await sys.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...cust.auth, 'idempotency-key': key }, payload: { prompt: 'a lighthouse in a storm', model: 'seedance-2.0', duration: 5, size: '16:9_MEDIUM' } })
  expect(res.statusCode).toBe(202)
  return res.json().jobId as string
}
const job = async (id: string) => (await sys.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: cust.auth })).json()
const usage = async () => (await sys.app.inject({ method: 'GET', url: '/v1/usage', headers: cust.auth })).json()
const posts = (f: FakeArk) => f.requests.filter((r) => r.method === 'POST').length

/** Runs the worker a minute at a time until the jobs are terminal (or `minutes` have passed). */
async function settle(ids: string[], minutes = 40): Promise<Record<string, unknown>[]> {
  let jobs: Record<string, unknown>[] = []
  for (let i = 0; i < minutes; i++) {
    await sys.rt.worker.drain()
    await sys.rt.worker.sweep()
    jobs = await Promise.all(ids.map(job))
    if (jobs.every((j) => ['succeeded', 'failed', 'cancelled'].includes(j.status as string))) return jobs
    sys.clock.advance(60_000)
  }
  return jobs
}

/** The books: every hold settled, balance = start − what succeeded jobs cost, ledger = counters. */
async function expectBooks(succeeded: number): Promise<void> {
  expect(await usage()).toMatchObject({ balance: START - succeeded * PRICE, reserved: 0 })
  expect(await ledgerViolations(sys.rt.store)).toEqual([])
}

const TRANSIENT: FakeReply[] = ['server-error', 'unavailable', 'rate-limited', 'hang', 'malformed', 'garbage', 'cut', 'reset']

describe('transient upstream faults', () => {
  it.each(['submit', 'get'] as const)('a job whose %s meets each fault three times still succeeds, charged once, submitted once', async (op) => {
    await boot(1)
    const ids: string[] = []
    for (const fault of TRANSIENT) {
      fakes[0]!.script(op, fault, { times: 3, retryAfterSec: 1 })
      const id = await submit(`${op}-${fault}`)
      ids.push(id)
      const [j] = await settle([id])
      expect({ fault, status: j!.status, charged: j!.chargedCredits }).toEqual({ fault, status: 'succeeded', charged: PRICE })
    }
    // No fault made a second upstream task for a job (a lost submit answer is looked up first).
    expect(fakes[0]!.tasks.size).toBe(ids.length)
    await expectBooks(ids.length)
  })
})

describe('faults that do not pass', () => {
  it('fails a job whose upstream never answers a poll at its deadline, and releases its hold', async () => {
    await boot(1)
    fakes[0]!.script('get', 'server-error', { times: Infinity })
    const [a] = await settle([await submit('forever-500')])
    fakes[0]!.clearScript()
    fakes[0]!.script('get', 'hang', { times: Infinity })
    const [b] = await settle([await submit('forever-hang')])
    for (const j of [a!, b!]) expect(j).toMatchObject({ status: 'failed', chargedCredits: 0, error: { code: 'timeout' } })
    await expectBooks(0)
  })

  it('fails content rejections and refused credentials at once, safely worded, holds released', async () => {
    await boot(1)
    fakes[0]!.script('submit', 'content-rejected')
    const [rejected] = await settle([await submit('rejected')])
    fakes[0]!.script('submit', 'unauthorized', { times: Infinity })
    const [refused] = await settle([await submit('refused')])
    expect(rejected).toMatchObject({ status: 'failed', error: { code: 'content_rejected' } })
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'service_unavailable' } })
    expect(JSON.stringify([rejected, refused])).not.toMatch(UPSTREAM_NAMES)
    await expectBooks(0)
  })
})

describe('result downloads', () => {
  it('completes through a very slow download, and through cut-off and garbage downloads once they pass', async () => {
    await boot(1)
    fakes[0]!.downloadFault({ kind: 'slow', bytesPerChunk: 2_048, intervalMs: 2 })
    const [slow] = await settle([await submit('slow')])
    expect(slow).toMatchObject({ status: 'succeeded' })
    for (const kind of ['cut', 'garbage'] as const) {
      fakes[0]!.downloadFault({ kind })
      const id = await submit(kind)
      const [during] = await settle([id], 3)
      // Not charged, not failed: the output is fetched again.
      expect(during).toMatchObject({ status: 'processing' })
      fakes[0]!.downloadFault(null)
      expect((await settle([id]))[0]).toMatchObject({ status: 'succeeded', chargedCredits: PRICE })
    }
    // The stored copy is the upstream's file, byte for byte.
    const result = (await sys.app.inject({ method: 'GET', url: `/v1/jobs/${slow!.jobId as string}/result`, headers: cust.auth })).json()
    const file = await sys.app.inject({ method: 'GET', url: new URL(result.outputs[0].url).pathname + new URL(result.outputs[0].url).search })
    expect(Buffer.compare(file.rawPayload, mp4.mp4)).toBe(0)
    await expectBooks(3)
  })
})

describe('Retry-After storms', () => {
  it('asks a rate-limited upstream again only when its Retry-After has passed, then completes', async () => {
    await boot(1)
    const f = fakes[0]!
    const id = await submit('storm')
    await sys.rt.worker.drain()
    f.script('get', 'rate-limited', { times: Infinity, retryAfterSec: 7 })
    const gets = () => f.requests.filter((r) => r.method === 'GET').length
    sys.clock.advance(60_000)
    await sys.rt.worker.drain()
    for (let storm = 0; storm < 20; storm++) {
      const n = gets()
      sys.clock.advance(6_000)
      await sys.rt.worker.drain()
      expect(gets()).toBe(n)
      sys.clock.advance(1_000)
      await sys.rt.worker.drain()
      expect(gets()).toBe(n + 1)
    }
    expect((await job(id)).status).toBe('processing')
    f.clearScript()
    expect((await settle([id]))[0]).toMatchObject({ status: 'succeeded' })
    await expectBooks(1)
  })
})

describe('circuit breaker', () => {
  it('opens on a failing channel (jobs go to the backup), then closes after the cool-down when it recovers', async () => {
    await boot(2)
    const [primary, backup] = [fakes[0]!, fakes[1]!]
    primary.script('submit', 'server-error', { times: Infinity })
    const ids: string[] = []
    const run = async (key: string) => {
      const id = await submit(key)
      ids.push(id)
      await sys.rt.worker.drain()
      return id
    }
    // Five refusals open the breaker; each refused job fails over to the backup at once.
    for (let i = 0; i < 5; i++) await run(`b-${i}`)
    expect(posts(primary)).toBe(5)
    expect(posts(backup)).toBe(5)
    // Open: the primary is not even asked.
    await run('b-open')
    expect(posts(primary)).toBe(5)
    expect(posts(backup)).toBe(6)
    // After the cool-down one probe goes through; the primary has recovered, so it closes.
    sys.clock.advance(30_000)
    primary.clearScript()
    await run('b-probe')
    expect(posts(primary)).toBe(6)
    await run('b-closed')
    expect(posts(primary)).toBe(7)
    expect(posts(backup)).toBe(6)
    const jobs = await settle(ids)
    expect(jobs.map((j) => j.status)).toEqual(ids.map(() => 'succeeded'))
    expect(primary.tasks.size + backup.tasks.size).toBe(ids.length)
    await expectBooks(ids.length)
  })
})
