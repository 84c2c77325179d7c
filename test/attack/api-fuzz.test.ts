import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { discoverRoutes, dialectsForPath, type FuzzRoute } from './support/routes.js'
import { describe as describeRequest, requestFor, strayRequest, type FuzzContext, type FuzzRequest } from './support/fuzz-requests.js'
import { answerProblems, chargeSnapshot, isRejected, knownDefect, type Answer } from './support/fuzz-check.js'

/**
 * The standing fuzzer: seeded, bounded hostile requests to every route the app serves, in
 * process (`inject`). REELAY_FUZZ_RUNS raises the count (default 2,000), REELAY_FUZZ_SEED
 * replays a run; a failure prints the seed and the shrunk request.
 */
const RUNS = Number(process.env.REELAY_FUZZ_RUNS ?? 2_000)
const SEED = Number(process.env.REELAY_FUZZ_SEED ?? 12_012)
/** Longer than any honest in-process answer; a request taking it is a hang. */
const HANG_MS = 10_000

let h: Harness
let routes: FuzzRoute[]
let ctx: FuzzContext
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-fuzz-'))
const stats = { requests: 0, rejected: 0, accepted: 0, known: new Map<number, number>(), byKind: new Map<string, number>(), statuses: new Map<number, number>() }

beforeAll(async () => {
  const prices = path.join(dir, 'prices.json')
  // Limits high enough that the fuzzer's own pace is never what is being refused.
  writeFileSync(prices, JSON.stringify({ plans: { fuzz: { name: 'Fuzz', requestsPerMinute: 10_000_000, maxActiveJobs: 10_000_000, monthlyCreditQuota: null } } }))
  h = await createHarness({ env: { REELAY_PRICES_FILE: prices, REELAY_SYNC_WAIT_MS: '0' } })
  const rich = await h.customer(1_000_000_000, 'fuzz')
  const poor = await h.customer(0, 'fuzz')
  const other = await h.customer(1_000, 'fuzz')
  const jobOf = async (auth: Record<string, string>, key: string) =>
    (await h.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...auth, 'idempotency-key': key }, payload: { prompt: 'a quiet harbour at dawn' } })).json().jobId as string
  const forms = (id: string) => ['job', 'sd2', 'task', 'req', 'video'].map((p) => `${p}_${id.slice(4)}`)
  ctx = {
    publicUrl: h.config.publicUrl,
    bodyLimit: h.config.REELAY_BODY_LIMIT_BYTES,
    keys: { rich: rich.key, poor: poor.key },
    ownIds: forms(await jobOf(rich.auth, 'own-1')),
    otherIds: forms(await jobOf(other.auth, 'other-1')),
  }
  routes = await discoverRoutes(h.app)
})

afterAll(async () => {
  await h?.close()
  rmSync(dir, { recursive: true, force: true })
  const known = [...stats.known].map(([i, n]) => `item ${i}: ${n}`).join(', ') || 'none'
  console.info(`api fuzz: ${stats.requests} requests (${stats.rejected} rejected, ${stats.accepted} accepted), known defects hit: ${known}; statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}`)
})

/** The path as the server sees it: `inject` resolves `..` and `%2e%2e` segments as a URL parser does. */
const pathOf = (url: string) => new URL(url, 'http://x').pathname

async function send(req: FuzzRequest): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS)))
  try {
    const res = await Promise.race([h.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) }), hang])
    return { status: res.statusCode, headers: res.headers, body: res.body }
  } finally {
    clearTimeout(timer)
  }
}

async function attack(req: FuzzRequest): Promise<void> {
  const before = await chargeSnapshot(h.rt.store)
  const a = await send(req)
  stats.requests++
  stats.statuses.set(a.status, (stats.statuses.get(a.status) ?? 0) + 1)
  stats.byKind.set(req.kind, (stats.byKind.get(req.kind) ?? 0) + 1)
  const problems = answerProblems(dialectsForPath(routes, req.method, pathOf(req.url)), a)
  if (isRejected(a)) {
    stats.rejected++
    const after = await chargeSnapshot(h.rt.store)
    if (after !== before) problems.push(`a rejected request (${a.status}) changed the ledger, jobs or keys`)
  } else stats.accepted++
  if (problems.length === 0) return
  const item = knownDefect(req, a, problems)
  if (item !== null) return void stats.known.set(item, (stats.known.get(item) ?? 0) + 1)
  throw new Error(`${describeRequest(req)}\n→ ${a.status} ${a.body.slice(0, 300)}\n${problems.join('\n')}`)
}

describe('seeded fuzzing of every route of every dialect', () => {
  it('finds every served route in /openapi.json or the known infrastructure routes', () => {
    expect(routes.filter((r) => r.dialect !== null).length).toBeGreaterThanOrEqual(29)
    expect(new Set(routes.map((r) => r.dialect))).toEqual(new Set(['native', 'tasks', 'jobs', 'open', 'openai', null]))
  })

  it('answers hostile requests without a 5xx or a hang, in the dialect’s error shape, charging nothing', async () => {
    const prefixes = [...new Set(routes.map((r) => r.url.split(/[:*]/)[0]!))]
    const arb = fc.oneof({ weight: 12, arbitrary: fc.oneof(...routes.map((r) => requestFor(r, ctx))) }, { weight: 1, arbitrary: strayRequest(prefixes) })
    await fc.assert(fc.asyncProperty(arb, attack), { numRuns: RUNS, seed: SEED, endOnFailure: true })
    // Every route was hit, and so was every kind of abuse.
    expect(stats.requests).toBeGreaterThanOrEqual(RUNS)
    expect([...stats.byKind.keys()].filter((k) => k.startsWith('multipart')).length).toBeGreaterThan(2)
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })
})
