/**
 * HTTP benchmark (R1, R2, R3, R10). Every server runs in its own process (`servers.ts`);
 * autocannon loads them from this process.
 *
 *   B0  node:http hello JSON
 *   B1  Fastify hello with a response schema
 *   R1  GET /v1/jobs/:id, Bearer auth, rotating over 1,000 queued jobs (synchronous=FULL, the default)
 *   R3  POST /v1/images/generate, a unique Idempotency-Key each, synchronous=FULL and =NORMAL
 *
 * The machine is shared, so scenarios are interleaved: each gets a 3 s warm-up, then its 10 s
 * are measured as 2 slices of 5 s, in alternating order. Ratios are computed per round (same
 * minute, same background load) and the median with the range is reported. RPS is the median
 * 1 s bucket of a slice, so connection setup and the responses still in flight at the end do
 * not count against slow servers. Afterwards R1 and R3/FULL run at a fixed offered rate
 * (autocannon `overallRate`, coordinated-omission corrected) for latency at partial load.
 * R10 microbenchmarks run last, in this process.
 *
 *   npx tsx bench/http.ts        (BENCH_CPU_PROF=<dir> writes V8 profiles of the Reelay servers)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { createMemoryLimiter } from '../src/api/limits.js'
import { requestFingerprint } from '../src/domain/fingerprint.js'
import { freePort, isMain, median, procCpuMs, round, startChild, stopChild, type Child } from './common.js'

export interface HttpOptions {
  warmupSec: number
  sliceSec: number
  slices: number
  connections: number
  pipelining: number
  /** Submits are not pipelined: 1,000 queued POSTs would measure the queue, not the server. */
  submitPipelining: number
  fixedRateSec: number
  /**
   * Connections for the fixed-rate runs. autocannon paces each connection on its own timer and
   * the timers start together, so arrivals come in bursts of this size: 100 would measure how
   * a burst of 100 queues, not latency at partial load.
   */
  fixedConnections: number
  /** Write V8 CPU profiles of the Reelay servers under this directory. */
  cpuProfDir?: string | undefined
}

export const DEFAULT_HTTP: HttpOptions = { warmupSec: 3, sliceSec: 5, slices: 2, connections: 100, pipelining: 10, submitPipelining: 1, fixedRateSec: 10, fixedConnections: 10 }

interface Slice {
  rps: number
  p50: number
  p99: number
  /** Requests served per CPU-second of the server process (less sensitive to other load). */
  reqPerCpuSec: number
  serverCpuPct: number
  errors: number
  non2xx: number
}

interface Scenario {
  name: string
  server: Child<unknown>
  opts: () => autocannon.Options
}

interface ReelayReady {
  key: string
  jobIds: string[]
  synchronous: string
}

async function slice(s: Scenario, seconds: number, extra: Partial<autocannon.Options> = {}): Promise<Slice> {
  const cpu0 = procCpuMs(s.server.pid)
  const t0 = performance.now()
  const r = await autocannon({ ...s.opts(), ...extra, duration: seconds })
  const wall = performance.now() - t0
  const cpu = procCpuMs(s.server.pid) - cpu0
  return {
    rps: Math.round(seconds >= 3 ? r.requests.p50 : r.requests.total / seconds),
    p50: r.latency.p50,
    p99: r.latency.p99,
    reqPerCpuSec: Math.round(r.requests.total / (cpu / 1000)),
    serverCpuPct: Math.round((cpu / wall) * 100),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  }
}

function summarize(slices: Slice[]) {
  const rps = slices.map((x) => x.rps)
  return {
    rps: Math.round(median(rps)),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50: median(slices.map((x) => x.p50)),
    p99: median(slices.map((x) => x.p99)),
    reqPerCpuSec: Math.round(median(slices.map((x) => x.reqPerCpuSec))),
    serverCpuPct: Math.round(median(slices.map((x) => x.serverCpuPct))),
    errors: slices.reduce((a, x) => a + x.errors, 0),
    non2xx: slices.reduce((a, x) => a + x.non2xx, 0),
    slices,
  }
}

/** Median and range of per-round ratios a/b. */
function ratio(a: Slice[], b: Slice[], field: 'rps' | 'reqPerCpuSec' = 'rps') {
  const r = a.map((x, i) => x[field] / b[i]![field])
  return { median: round(median(r), 3), min: round(Math.min(...r), 3), max: round(Math.max(...r), 3) }
}

async function micro() {
  const reps = 5
  const N = 100_000
  // rate-limiter-flexible's memory limiter behind our per-plan wrapper, over 1,000 accounts.
  const limiter = createMemoryLimiter()
  const limiterRuns: number[] = []
  const fpRuns: number[] = []
  const body = { prompt: 'cinematic drone shot over a futuristic city at dusk, neon reflections on wet streets', size: '16:9_SMALL', duration: 5, motionHasAudio: true, model: 'seedance-2.0' }
  for (let rep = 0; rep < reps + 1; rep++) {
    let t = performance.now()
    for (let i = 0; i < N; i++) await limiter.consume(`acct_${i % 1000}`, 100_000_000)
    const lim = ((performance.now() - t) * 1000) / N
    t = performance.now()
    let sink = 0
    for (let i = 0; i < N; i++) sink += requestFingerprint('POST', '/v1/videos/generate', body).length
    const fp = ((performance.now() - t) * 1000) / N
    if (sink === 0) throw new Error('unreachable')
    // The first round is the warm-up (JIT).
    if (rep > 0) {
      limiterRuns.push(lim)
      fpRuns.push(fp)
    }
  }
  return {
    limiterConsumeUs: round(median(limiterRuns), 2),
    limiterConsumeUsRange: [round(Math.min(...limiterRuns), 2), round(Math.max(...limiterRuns), 2)],
    fingerprintUs: round(median(fpRuns), 2),
    fingerprintUsRange: [round(Math.min(...fpRuns), 2), round(Math.max(...fpRuns), 2)],
    note: `${N} awaited consume() calls over 1,000 keys; SHA-256 fingerprint of a ${JSON.stringify(body).length}-byte body; median of ${reps} runs after one warm-up`,
  }
}

export async function runHttp(o: HttpOptions = DEFAULT_HTTP, log: (s: string) => void = console.error) {
  const started = Date.now()
  const dirs: string[] = []
  const dataDir = (sync: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), `reelay-bench-${sync.toLowerCase()}-`))
    dirs.push(dir)
    return dir
  }
  const profArgs = (name: string) => {
    if (!o.cpuProfDir) return []
    const dir = path.join(o.cpuProfDir, name)
    mkdirSync(dir, { recursive: true })
    // One file per thread (tsx's loader has its own): Node's default names keep them apart.
    return ['--cpu-prof', `--cpu-prof-dir=${dir}`]
  }
  const serve = async <T>(kind: string, extra: string[] = [], env: Record<string, string> = {}, execArgv: string[] = []) => {
    const port = await freePort()
    return { port, c: await startChild<T>('servers.ts', [kind, String(port), ...extra], { env, execArgv }) }
  }
  log('http: starting servers')
  const b0 = await serve<Record<string, never>>('node')
  const b1 = await serve<Record<string, never>>('fastify')
  const full = await serve<ReelayReady>('reelay', [dataDir('FULL')], { REELAY_SQLITE_SYNCHRONOUS: 'FULL' }, profArgs('reelay-full'))
  const normal = await serve<ReelayReady>('reelay', [dataDir('NORMAL')], { REELAY_SQLITE_SYNCHRONOUS: 'NORMAL' }, profArgs('reelay-normal'))

  const base = { connections: o.connections, pipelining: o.pipelining }
  let seq = 0
  const runId = Date.now().toString(36)
  const pollJob = (srv: { port: number; c: Child<ReelayReady> }) => (): autocannon.Options => {
    let i = 0
    const ids = srv.c.ready.jobIds
    return {
      ...base,
      url: `http://127.0.0.1:${srv.port}/v1/jobs/${ids[0]}`,
      headers: { authorization: `Bearer ${srv.c.ready.key}` },
      // Rotates over the queued jobs, as many clients polling their own jobs would.
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/jobs/${ids[i++ % ids.length]}` }) }],
    }
  }
  const submit = (srv: { port: number; c: Child<ReelayReady> }, sync: string) => (): autocannon.Options => ({
    ...base,
    pipelining: o.submitPipelining,
    url: `http://127.0.0.1:${srv.port}/v1/images/generate`,
    method: 'POST',
    headers: { authorization: `Bearer ${srv.c.ready.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a lighthouse on a cliff at sunrise, oil painting' }),
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `${runId}-${sync}-${++seq}` } }) }],
  })
  const scenarios: Scenario[] = [
    { name: 'B0', server: b0.c, opts: () => ({ ...base, url: `http://127.0.0.1:${b0.port}/` }) },
    { name: 'B1', server: b1.c, opts: () => ({ ...base, url: `http://127.0.0.1:${b1.port}/` }) },
    { name: 'R1', server: full.c, opts: pollJob(full) },
    { name: 'R3_FULL', server: full.c, opts: submit(full, 'FULL') },
    { name: 'R3_NORMAL', server: normal.c, opts: submit(normal, 'NORMAL') },
  ]

  for (const s of scenarios) {
    log(`http: warm-up ${s.name} (${o.warmupSec} s)`)
    await slice(s, o.warmupSec)
  }
  const got: Record<string, Slice[]> = Object.fromEntries(scenarios.map((s) => [s.name, []]))
  for (let r = 0; r < o.slices; r++) {
    // Alternate the order so drift in the background load hits every scenario alike.
    const order = r % 2 === 0 ? scenarios : [...scenarios].reverse()
    for (const s of order) got[s.name]!.push(await slice(s, o.sliceSec))
    log(`http: round ${r + 1}/${o.slices} ${scenarios.map((s) => `${s.name}=${got[s.name]!.at(-1)!.rps}`).join(' ')}`)
  }

  // Latency at partial load: a fixed offered rate, one request per connection at a time. Half
  // of what a short saturating probe with the same settings (pipelining 1) reaches just before:
  // the pipelined maximum above is not reachable without pipelining, and the submit servers
  // slow down as their tables grow.
  const probeSec = 3
  const fx = { pipelining: 1, connections: o.fixedConnections }
  const r1Max = (await slice(scenarios[2]!, probeSec, fx)).rps
  const r3Max = (await slice(scenarios[3]!, probeSec, fx)).rps
  const r1Rate = Math.max(100, Math.round(Math.min(10_000, r1Max * 0.5)))
  const r3Rate = Math.max(10, Math.round(r3Max * 0.5))
  log(`http: R1 and B1 at a fixed ${r1Rate} req/s, R3/FULL at ${r3Rate} req/s (${o.fixedRateSec} s each)`)
  const fixed = {
    R1: { probeMaxRps: r1Max, offeredRps: r1Rate, ...(await slice(scenarios[2]!, o.fixedRateSec, { ...fx, overallRate: r1Rate })) },
    // Control: the hello route at the same offered rate shows what the machine and the load
    // generator alone add to the tail.
    B1: { offeredRps: r1Rate, ...(await slice(scenarios[1]!, o.fixedRateSec, { ...fx, overallRate: r1Rate })) },
    R3_FULL: { probeMaxRps: r3Max, offeredRps: r3Rate, ...(await slice(scenarios[3]!, o.fixedRateSec, { ...fx, overallRate: r3Rate })) },
  }

  // Reads beside writes: polls at a fixed quarter of the probe's maximum on the FULL server
  // alone, then while submits arrive at a fixed rate on the same server (the issue's 650/s, or
  // half the submit probe when that is less). Neither saturates the CPU, so a poll's tail shows
  // whether reads wait behind commits (fsyncs), not two loads sharing a core.
  const besideRate = Math.min(650, r3Rate)
  const pollRate = Math.max(100, Math.round(r1Max * 0.25))
  log(`http: polls at ${pollRate}/s alone, then beside ${besideRate} submits/s (${o.fixedRateSec} s each)`)
  const pollsAlone = await slice(scenarios[2]!, o.fixedRateSec, { ...fx, overallRate: pollRate })
  const [pollsBeside, submitsBeside] = await Promise.all([
    slice(scenarios[2]!, o.fixedRateSec, { ...fx, overallRate: pollRate }),
    slice(scenarios[3]!, o.fixedRateSec, { ...fx, overallRate: besideRate }),
  ])
  const beside = { submitRate: besideRate, pollRate, pollsAlone, pollsBeside, submitsBeside }

  for (const x of [b0, b1, full, normal]) await stopChild(x.c)
  for (const d of dirs) rmSync(d, { recursive: true, force: true })

  log('http: microbenchmarks')
  const R10 = await micro()
  return {
    method: {
      connections: o.connections,
      pipelining: o.pipelining,
      submitPipelining: o.submitPipelining,
      warmupSec: o.warmupSec,
      measuredSec: o.sliceSec * o.slices,
      slices: `${o.slices} × ${o.sliceSec} s per scenario in alternating order; RPS = median 1 s bucket of a slice, then median of slices; ratios = median of per-round ratios`,
      fixedRate: `autocannon overallRate at 50% of a 3 s saturating probe with the same settings, ${o.fixedConnections} connections, pipelining 1, ${o.fixedRateSec} s, coordinated-omission corrected; arrivals come in bursts of up to ${o.fixedConnections} (autocannon paces each connection on its own timer), so this is not a true open-loop test`,
      pollJobs: full.c.ready.jobIds.length,
      latencyUnit: 'ms (autocannon records whole milliseconds)',
    },
    scenarios: Object.fromEntries(Object.entries(got).map(([k, v]) => [k, summarize(v)])),
    ratios: {
      R2_B1_over_B0: ratio(got.B1!, got.B0!),
      R1_over_B1: ratio(got.R1!, got.B1!),
      R1_over_B0: ratio(got.R1!, got.B0!),
      R3_FULL_over_NORMAL: ratio(got.R3_FULL!, got.R3_NORMAL!),
      R3_FULL_over_B1: ratio(got.R3_FULL!, got.B1!),
      perCpu_B1_over_B0: ratio(got.B1!, got.B0!, 'reqPerCpuSec'),
      perCpu_R1_over_B1: ratio(got.R1!, got.B1!, 'reqPerCpuSec'),
      perCpu_R3_FULL_over_NORMAL: ratio(got.R3_FULL!, got.R3_NORMAL!, 'reqPerCpuSec'),
    },
    fixed,
    beside,
    R10,
    seconds: Math.round((Date.now() - started) / 1000),
  }
}

export type HttpResult = Awaited<ReturnType<typeof runHttp>>

if (isMain(import.meta.url)) {
  const res = await runHttp({ ...DEFAULT_HTTP, cpuProfDir: process.env.BENCH_CPU_PROF || undefined })
  console.log(JSON.stringify(res, null, 2))
}
