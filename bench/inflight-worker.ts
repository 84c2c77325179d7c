/**
 * One Reelay worker process for `inflight.ts`:
 *
 *   node --expose-gc --import tsx bench/inflight-worker.ts '<json config>'
 *
 * 1. Preloads N queued video jobs through `rt.jobs.submit` (synchronous=NORMAL to save time;
 *    1,000 jobs per account, since each submit counts the account's active jobs).
 * 2. Reopens the store with the configured durability, measures the idle heap (after GC), and
 *    starts the worker against the fake Ark channel on a clock running `compression`× real time.
 * 3. `hold`: waits until all N tasks are accepted upstream (the ramp, capped), then measures a
 *    window: upstream GETs, schedule lag, event-loop delay, CPU, heap/RSS with N in flight.
 *    `lifecycle`: runs until every job settles (or `capSec`), then reports the jobs' rows.
 *
 * Schedule lag = clock.now() − next_run_at when a job is claimed, captured by a TEMP trigger on
 * this connection (nothing is added to the database file's schema). Time spent inside SQLite is
 * summed per statement by wrapping better-sqlite3's Statement methods (bench only).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { createRuntime } from '../src/runtime.js'
import { createRouter } from '../src/providers/index.js'
import { loadChannels } from '../src/providers/channels.js'
import { createStudioProvider } from '../src/providers/studio/index.js'
import type { Provider } from '../src/providers/provider.js'
import type { Router } from '../src/providers/registry.js'
import { BENCH_PRICES, compressedNow, pct, round, sleep, windowProfiler } from './common.js'

interface Cfg {
  mode: 'hold' | 'lifecycle'
  n: number
  dataDir: string
  /** PostgreSQL instead of SQLite (a fresh schema made by the orchestrator). */
  databaseUrl?: string
  fakeUrl: string
  apiKey: string
  t0: number
  compression: number
  synchronous: 'FULL' | 'NORMAL'
  concurrency: number
  pollConcurrency: number
  windowSec: number
  settleSimSec: number
  rampCapSec: number
  capSec: number
}

const cfg = JSON.parse(process.argv[2]!) as Cfg
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')
const mb = (b: number) => round(b / 1024 / 1024, 1)
const clock = { now: compressedNow(cfg.t0, cfg.compression) }
const MODEL = 'seedance-2.0'

// Wall time spent inside SQLite per statement (synchronous calls: event-loop time too).
const sqlTime = new Map<string, { calls: number; ms: number }>()
const keys = new Map<string, string>()
{
  const probe = new SQLite(':memory:')
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>
  probe.close()
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const orig = proto[m]!
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      const t = performance.now()
      try {
        return orig.apply(this, args)
      } finally {
        // The key is cached per SQL text: normalising it on every call would bill the bench's own cost to the worker.
        let k = keys.get(this.source)
        if (k === undefined) keys.set(this.source, (k = this.source.replace(/\s+/g, ' ').slice(0, 160)))
        const e = sqlTime.get(k) ?? { calls: 0, ms: 0 }
        e.calls++
        e.ms += performance.now() - t
        sqlTime.set(k, e)
      }
    }
  }
}
const topSql = (wallSec: number) =>
  [...sqlTime]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 6)
    .map(([k, v]) => ({ sql: k, calls: v.calls, usPerCall: Math.round((v.ms * 1000) / v.calls), pctOfWall: round(v.ms / 10 / wallSec, 1) }))

mkdirSync(cfg.dataDir, { recursive: true })
writeFileSync(path.join(cfg.dataDir, 'prices.json'), JSON.stringify(BENCH_PRICES))
const channelsFile = path.join(cfg.dataDir, 'channels.json')
writeFileSync(
  channelsFile,
  JSON.stringify({
    channels: [
      {
        id: 'ark-bench',
        provider: 'ark',
        baseUrl: cfg.fakeUrl,
        apiKeyEnv: 'BENCH_ARK_KEY',
        models: { [MODEL]: 'dreamina-seedance-2-0-260128' },
        // No channel limit may throttle the worker: the benchmark measures the worker itself.
        maxConcurrent: 10_000_000,
        ratePerSecond: 1_000_000_000,
        options: { timeoutMs: 30_000 },
      },
    ],
  }),
)
const env = {
  REELAY_DATA_DIR: cfg.dataDir,
  ...(cfg.databaseUrl ? { DATABASE_URL: cfg.databaseUrl, REELAY_DB_POOL_SIZE: '10' } : {}),
  REELAY_LOG_LEVEL: 'silent' as const,
  REELAY_CHANNELS_FILE: channelsFile,
  REELAY_ALLOW_PRIVATE_URLS: '1',
  BENCH_ARK_KEY: cfg.apiKey,
  REELAY_WORKER_CONCURRENCY: String(cfg.concurrency),
  REELAY_POLL_CONCURRENCY: String(cfg.pollConcurrency),
  // Real-time waits scaled with the clock: 500 ms idle becomes 50 ms at 10×.
  REELAY_WORKER_IDLE_MS: String(Math.max(10, Math.round(500 / cfg.compression))),
}
const logger = pino({ level: 'silent' })

// ---- 1. preload ------------------------------------------------------------------------------
const t1 = performance.now()
{
  const rt = await createRuntime(loadConfig({ ...env, REELAY_SQLITE_SYNCHRONOUS: 'NORMAL' }), { clock, logger, env })
  const PER_ACCOUNT = 1_000
  let auth: Awaited<ReturnType<typeof rt.accounts.authenticate>> = null
  for (let i = 0; i < cfg.n; i++) {
    if (i % PER_ACCOUNT === 0) {
      const name = `bench-${i / PER_ACCOUNT}`
      await rt.accounts.create(name, 'bench', 1e12)
      auth = await rt.accounts.authenticate((await rt.accounts.createKey(name, null)).key)
    }
    await rt.jobs.submit({ auth: auth!, dialect: 'native', type: 'video', model: MODEL, input: { prompt: `bench clip ${i}`, durationSec: 5 }, idempotencyKey: `k${i}`, fingerprint: `f${i}` })
  }
  await rt.close()
}
const preloadSec = (performance.now() - t1) / 1000

// ---- 2. the worker's runtime -----------------------------------------------------------------
// The real router, built once the runtime's store exists; wrapped only to count calls.
let real: Router | null = null
const counts = { accepted: 0, gets: 0, terminal: 0, getErrors: 0 }
const r = (): Router => real!
const router: Router = {
  route: (m, e) => r().route(m, e),
  byChannel: (id) => r().byChannel(id),
  hasChannelFor: (m) => r().hasChannelFor(m),
  reportSuccess: (id) => r().reportSuccess?.(id),
  reportFailure: (id, hard) => r().reportFailure?.(id, hard),
  takeToken: (id) => r().takeToken?.(id) ?? true,
  settle: (id) => r().settle?.(id),
}
const rt = await createRuntime(loadConfig({ ...env, REELAY_SQLITE_SYNCHRONOUS: cfg.synchronous }), { clock, logger, env, router })
real = createRouter({ channels: loadChannels(channelsFile, env), studio: createStudioProvider({ latencyMs: 0, failureRate: 0 }), store: rt.store, clock })
const ark = real.byChannel('ark-bench')!.provider as Provider
const submit0 = ark.submit.bind(ark)
const get0 = ark.get.bind(ark)
ark.submit = async (job, ctx) => {
  const res = await submit0(job, ctx)
  counts.accepted++
  return res
}
ark.get = async (id, job, ctx) => {
  counts.gets++
  try {
    const res = await get0(id, job, ctx)
    if (res.state === 'succeeded' || res.state === 'failed') counts.terminal++
    return res
  } catch (err) {
    counts.getErrors++
    throw err
  }
}

if (cfg.databaseUrl) {
  // The bench's own schema is dropped afterwards, trigger and all.
  await sql`CREATE TABLE bench_lag (v BIGINT NOT NULL, poll INTEGER NOT NULL)`.execute(rt.store.db)
  await sql`CREATE FUNCTION bench_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF NEW.attempt = OLD.attempt + 1 THEN INSERT INTO bench_lag VALUES (NEW.updated_at - OLD.next_run_at, CASE WHEN OLD.upstream_id IS NULL THEN 0 ELSE 1 END); END IF;
    RETURN NEW; END $$`.execute(rt.store.db)
  await sql`CREATE TRIGGER bench_claim AFTER UPDATE OF attempt ON jobs FOR EACH ROW EXECUTE FUNCTION bench_claim()`.execute(rt.store.db)
} else {
  await sql`CREATE TEMP TABLE bench_lag (v INTEGER NOT NULL, poll INTEGER NOT NULL)`.execute(rt.store.db)
  await sql`CREATE TEMP TRIGGER bench_claim AFTER UPDATE OF attempt ON main.jobs WHEN NEW.attempt = OLD.attempt + 1
  BEGIN INSERT INTO bench_lag VALUES (NEW.updated_at - OLD.next_run_at, OLD.upstream_id IS NOT NULL); END`.execute(rt.store.db)
}
const lags: { poll: number[]; submit: number[] } = { poll: [], submit: [] }
async function drainLag(): Promise<void> {
  const rows = await sql<{ v: number; poll: number }>`DELETE FROM ${sql.raw(cfg.databaseUrl ? 'bench_lag' : 'temp.bench_lag')} RETURNING v, poll`.execute(rt.store.db)
  for (const x of rows.rows) (x.poll ? lags.poll : lags.submit).push(x.v)
}
const lagStats = (xs: number[]) => {
  const s = Float64Array.from(xs).sort()
  // Simulated ms ÷ compression = wall-clock ms.
  return { count: s.length, p50WallMs: round(pct(s, 50) / cfg.compression, 1), p99WallMs: round(pct(s, 99) / cfg.compression, 1), maxWallMs: round(pct(s, 100) / cfg.compression, 1) }
}

gc()
await sleep(100)
gc()
const idle = { heapUsedMb: mb(process.memoryUsage().heapUsed), rssMb: mb(process.memoryUsage().rss) }
const heap0 = process.memoryUsage().heapUsed

const ELD_RESOLUTION_MS = 10
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
eld.enable()
// Node's histogram records the whole interval between samples, resolution included (an idle
// loop reads ≈10 ms at resolution 10): the delay is what exceeds the resolution.
const delayMs = (ns: number) => round(Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS), 1)
const sampler = setInterval(() => void drainLag(), 250)
sqlTime.clear()
const tStart = performance.now()
rt.worker.start()

const result: Record<string, unknown> = { database: cfg.databaseUrl ? 'postgres' : 'sqlite', mode: cfg.mode, n: cfg.n, compression: cfg.compression, synchronous: cfg.synchronous, concurrency: cfg.concurrency, pollConcurrency: cfg.pollConcurrency, preloadSec: round(preloadSec, 1), idle }

if (cfg.mode === 'hold') {
  // ---- 3a. ramp: every queued job is submitted upstream ----
  let peakRss = 0
  while (counts.accepted < cfg.n && performance.now() - tStart < cfg.rampCapSec * 1000) {
    await sleep(100)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }
  const rampSec = (performance.now() - tStart) / 1000
  await drainLag()
  result.ramp = {
    seconds: round(rampSec, 1),
    accepted: counts.accepted,
    complete: counts.accepted >= cfg.n,
    submitsPerSec: Math.round(counts.accepted / rampSec),
    getsDuringRamp: counts.gets,
    eventLoopDelayP99Ms: delayMs(eld.percentile(99)),
    eventLoopDelayMaxMs: delayMs(eld.max),
    peakRssMb: mb(peakRss),
    submitLag: lagStats(lags.submit),
    sqlite: topSql(rampSec),
  }
  if (cfg.settleSimSec > 0) await sleep((cfg.settleSimSec * 1000) / cfg.compression)
  result.settleSimSec = cfg.settleSimSec
  // ---- 3b. steady window with everything accepted so far in flight ----
  lags.poll.length = 0
  lags.submit.length = 0
  eld.reset()
  sqlTime.clear()
  // BENCH_WINDOW_PROF=<file>: a V8 CPU profile of the steady window alone.
  const prof = windowProfiler(process.env.BENCH_WINDOW_PROF)
  await prof.start()
  const g0 = counts.gets
  const cpu0 = process.cpuUsage()
  const w0 = performance.now()
  let maxRss = 0
  while (performance.now() - w0 < cfg.windowSec * 1000) {
    await sleep(500)
    maxRss = Math.max(maxRss, process.memoryUsage().rss)
  }
  const wall = (performance.now() - w0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const gets = counts.gets - g0
  await prof.stop()
  await drainLag()
  const cpuSec = (cpu.user + cpu.system) / 1e6
  const inFlight = counts.accepted - counts.terminal
  const eldP50 = delayMs(eld.percentile(50))
  const eldP99 = delayMs(eld.percentile(99))
  const eldMax = delayMs(eld.max)
  const sqlite = topSql(wall)
  gc()
  await sleep(100)
  gc()
  const heapN = process.memoryUsage().heapUsed
  result.window = {
    wallSec: round(wall, 1),
    inFlight,
    upstreamGets: gets,
    getsPerWallSec: Math.round(gets / wall),
    // In simulated time: how often each task was asked, on average.
    meanPollIntervalSimSec: round(inFlight / (gets / wall / cfg.compression), 1),
    cpuPctOfOneCore: round((cpuSec / wall) * 100, 1),
    cpuUsPerGet: Math.round((cpuSec * 1e6) / gets),
    pollLag: lagStats(lags.poll),
    // Polls still sitting due (claimed later than this window) are not in pollLag: the backlog.
    dueBacklog: Number(
      (await sql<{ n: number }>`SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'processing') AND next_run_at <= ${clock.now()}`.execute(rt.store.db)).rows[0]!.n,
    ),
    eventLoopDelayP50Ms: round(eldP50, 1),
    eventLoopDelayP99Ms: round(eldP99, 1),
    eventLoopDelayMaxMs: round(eldMax, 1),
    getErrors: counts.getErrors,
    maxRssMb: mb(maxRss),
    afterGc: { heapUsedMb: mb(heapN), rssMb: mb(process.memoryUsage().rss) },
    heapBytesPerTask: Math.round((heapN - heap0) / Math.max(1, inFlight)),
    sqlite,
  }
} else {
  // ---- 3c. lifecycle: run until every job settles ----
  const cpu0 = process.cpuUsage()
  let maxRss = 0
  const settled = async () =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled')`.execute(rt.store.db)).rows[0]!.n)
  let done = 0
  while (performance.now() - tStart < cfg.capSec * 1000) {
    await sleep(1000)
    maxRss = Math.max(maxRss, process.memoryUsage().rss)
    done = await settled()
    if (done >= cfg.n) break
  }
  const wall = (performance.now() - tStart) / 1000
  const cpu = process.cpuUsage(cpu0)
  await drainLag()
  const rows = await rt.store.db.selectFrom('jobs').select(['upstreamId', 'pollCount', 'startedAt', 'finishedAt', 'status', 'errorCode']).execute()
  result.lifecycle = {
    wallSec: round(wall, 1),
    settled: done,
    upstreamGets: counts.gets,
    getErrors: counts.getErrors,
    cpuSec: round((cpu.user + cpu.system) / 1e6, 1),
    cpuPctOfOneCore: round(((cpu.user + cpu.system) / 1e6 / wall) * 100, 1),
    pollLag: lagStats(lags.poll),
    eventLoopDelayP99Ms: delayMs(eld.percentile(99)),
    eventLoopDelayMaxMs: delayMs(eld.max),
    maxRssMb: mb(maxRss),
    sqlite: topSql(wall),
    statuses: rows.reduce<Record<string, number>>((a, x) => {
      const k = `${x.status}${x.errorCode ? `:${x.errorCode}` : ''}`
      a[k] = (a[k] ?? 0) + 1
      return a
    }, {}),
  }
  result.rows = rows.map((x) => [x.upstreamId, x.pollCount, x.startedAt, x.finishedAt, x.status])
}

clearInterval(sampler)
eld.disable()
await rt.worker.stop(5_000)
await rt.close()
console.log(`result ${JSON.stringify(result)}`)
console.log('ready {}')
process.exit(0)
