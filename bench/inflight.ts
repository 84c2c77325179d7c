/**
 * In-flight capacity of one worker process (R6, R7, R8).
 *
 * Three processes per scenario: this orchestrator, the fake Ark upstream (`fake-ark.ts`) and
 * one Reelay worker (`inflight-worker.ts`). Both children run on a clock `compression`× faster
 * than the wall clock (default 10×, as in the performance guide's capacity runs), so a 105 s
 * video takes 10.5 s and the worker's poll schedule (first poll at 50% of the model's typical
 * 105 s, then 5 s rising to 30 s) runs 10× denser in wall time.
 *
 * What the compression means for the figures:
 *  - Upstream GETs per wall second with N tasks at 10× equal those of 10·N tasks in real time,
 *    so CPU, event-loop delay and schedule lag at N stand for a real deployment tracking
 *    N × compression tasks. Memory stands for N (those tasks really exist).
 *  - Lags are reported in wall-clock ms (simulated ms ÷ compression).
 *
 * `hold`: tasks never finish; the worker submits all N (the ramp, capped), then a steady window
 * is measured. `lifecycle`: N tasks with lognormal durations (median 105 s, p90 250 s, capped
 * at 300 s) run to completion; GETs per completed job are compared with a naive client polling
 * every 5 s from submission (ceil(duration / 5 s) GETs).
 *
 *   npx tsx bench/inflight.ts [N ...] [--compression=10 --settle=0 --window=15 --ramp-cap=60 --lifecycle=300 --realtime=50000 --pg-compare=10000 --pg]
 *   (BENCH_CPU_PROF=<dir> profiles the worker processes; BENCH_WINDOW_PROF=<file> only the window)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freshPgSchema } from '../test/support/pg-schema.js'
import { isMain, pct, round, startChild, stopChild, type Child } from './common.js'

export interface InflightOptions {
  holdNs: number[]
  lifecycleN: number
  compression: number
  synchronous: 'FULL' | 'NORMAL'
  concurrency: number
  pollConcurrency: number
  windowSec: number
  /** Simulated seconds to wait after the ramp so polls reach their steady schedule. */
  settleSimSec: number
  rampCapSec: number
  lifecycleCapSec: number
  /**
   * Also run this many tasks in real time (clock 1×), with `realtimeSettleSec` for the polls to
   * reach their steady schedule and a `realtimeWindowSec` window: the issue's target, measured
   * without compression. 0 skips it.
   */
  realtimeN: number
  realtimeSettleSec: number
  realtimeWindowSec: number
  /** Start no further hold size once this much time has gone. */
  budgetSec: number
  /** Run the worker on PostgreSQL at this URL (a fresh schema per scenario) instead of SQLite. */
  pgUrl?: string | undefined
  /** Also hold this many tasks (compressed) with the worker on PostgreSQL at `pgCompareUrl`. 0 skips it. */
  pgCompareN: number
  pgCompareUrl?: string | undefined
  /** Write V8 CPU profiles of the worker processes under this directory. */
  cpuProfDir?: string | undefined
}

export const DEFAULT_INFLIGHT: InflightOptions = {
  holdNs: [2_000, 10_000, 50_000],
  // Small enough that the worker keeps up (lag p99 < 1 s): an overloaded worker polls less and
  // would flatter R8.
  lifecycleN: 300,
  compression: 10,
  synchronous: 'FULL',
  concurrency: 64,
  pollConcurrency: 128,
  windowSec: 15,
  settleSimSec: 0,
  rampCapSec: 90,
  lifecycleCapSec: 45,
  budgetSec: 150,
  realtimeN: 50_000,
  realtimeSettleSec: 150,
  realtimeWindowSec: 30,
  pgCompareN: 10_000,
  pgCompareUrl: process.env.REELAY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
}

interface FakeStats {
  tasks: number
  gets: number
  rows: { id: string; createdAt: number; durationMs: number | null; gets: number; status: string }[]
}

async function fakeStats(fake: Child<unknown>): Promise<FakeStats> {
  return new Promise((resolve) => {
    fake.child.once('message', (m) => resolve(m as FakeStats))
    fake.child.send('stats')
  })
}

async function scenario(o: InflightOptions, mode: 'hold' | 'lifecycle', n: number) {
  const t0 = Date.now()
  const env = { BENCH_T0: String(t0), BENCH_COMPRESSION: String(o.compression) }
  const fake = await startChild<{ url: string; apiKey: string }>('fake-ark.ts', [mode], { env, ipc: true })
  const dataDir = mkdtempSync(path.join(tmpdir(), `reelay-inflight-${n}-`))
  const pg = o.pgUrl ? await freshPgSchema(o.pgUrl, 'bench') : null
  const cfg = {
    ...(pg ? { databaseUrl: pg.url } : {}),
    mode,
    n,
    dataDir,
    fakeUrl: fake.ready.url,
    apiKey: fake.ready.apiKey,
    t0,
    compression: o.compression,
    synchronous: o.synchronous,
    concurrency: o.concurrency,
    pollConcurrency: o.pollConcurrency,
    windowSec: o.windowSec,
    settleSimSec: o.settleSimSec,
    rampCapSec: o.rampCapSec,
    capSec: o.lifecycleCapSec,
  }
  const started = Date.now()
  let worker: Child<unknown> | null = null
  try {
    // One file per thread (tsx's loader has its own): Node's default names keep them apart.
    const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(o.cpuProfDir, `worker-${mode}-${n}`)}`] : []
    worker = await startChild('inflight-worker.ts', [JSON.stringify(cfg)], { execArgv: ['--expose-gc', ...prof], timeoutMs: 600_000 })
    // The worker exits by itself after its result (a kill could cut a CPU profile short).
    await worker.exited
    const res = worker.results[0] as Record<string, unknown>
    const stats = await fakeStats(fake)
    res.upstream = { tasks: stats.tasks, gets: stats.gets }
    res.seconds = Math.round((Date.now() - started) / 1000)
    if (mode === 'lifecycle') res.efficiency = efficiency(res, stats, o.compression)
    delete res.rows
    return res
  } finally {
    if (worker) await stopChild(worker)
    await stopChild(fake)
    await pg?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** R8: upstream GETs per completed job against a naive fixed 5 s poll over the same durations. */
function efficiency(res: Record<string, unknown>, stats: FakeStats, compression: number) {
  const rows = res.rows as [string | null, number, number | null, number | null, string][]
  const byId = new Map(stats.rows.map((t) => [t.id, t]))
  let ours = 0
  let naive = 0
  let jobs = 0
  const detect: number[] = []
  const naiveDetect: number[] = []
  const durations: number[] = []
  for (const [upstreamId, , , finishedAt, status] of rows) {
    if (status !== 'succeeded' || !upstreamId || finishedAt === null) continue
    const t = byId.get(upstreamId)
    if (!t || t.durationMs === null) continue
    jobs++
    ours += t.gets
    const n5 = Math.max(1, Math.ceil(t.durationMs / 5_000))
    naive += n5
    durations.push(t.durationMs)
    // How long after the upstream finished the job was marked done (includes download + probe).
    detect.push(finishedAt - (t.createdAt + t.durationMs))
    naiveDetect.push(n5 * 5_000 - t.durationMs)
  }
  const s = (xs: number[]) => Float64Array.from(xs).sort()
  const d = s(detect)
  const nd = s(naiveDetect)
  const du = s(durations)
  const secs = (a: Float64Array, p: number) => round(pct(a, p) / 1000, 1)
  return {
    completedJobs: jobs,
    getsPerJob: round(ours / jobs, 2),
    naive5sGetsPerJob: round(naive / jobs, 2),
    ratioToNaive: round(ours / naive, 3),
    durationSimSec: { p50: secs(du, 50), p90: secs(du, 90), max: secs(du, 100) },
    detectionDelaySimSec: { p50: secs(d, 50), p90: secs(d, 90), p99: secs(d, 99) },
    naive5sDetectionDelaySimSec: { p50: secs(nd, 50), p90: secs(nd, 90), p99: secs(nd, 99) },
    note: `GETs counted by the fake upstream per task; naive = ceil(duration / 5 s). Durations and delays in simulated seconds (wall × ${compression}).`,
  }
}

export async function runInflight(o: InflightOptions = DEFAULT_INFLIGHT, log: (s: string) => void = console.error) {
  const started = Date.now()
  const hold: Record<string, unknown>[] = []
  const skipped: { n: number; why: string }[] = []
  for (const n of o.holdNs) {
    if ((Date.now() - started) / 1000 > o.budgetSec) {
      skipped.push({ n, why: `time budget of ${o.budgetSec} s used up` })
      continue
    }
    if (hold.length && !(hold.at(-1)!.ramp as { complete: boolean }).complete) {
      skipped.push({ n, why: 'the smaller N did not finish its ramp within the cap' })
      continue
    }
    log(`inflight: hold N=${n} (clock ${o.compression}×, synchronous=${o.synchronous})`)
    const r = await scenario(o, 'hold', n)
    const w = r.window as Record<string, unknown>
    log(`inflight: N=${n} ramp ${JSON.stringify({ ...(r.ramp as object), sqlite: undefined })}`)
    log(`inflight: N=${n} window ${JSON.stringify({ ...w, sqlite: undefined })}`)
    hold.push(r)
  }
  if (o.realtimeN > 0) {
    const rt = { ...o, compression: 1, settleSimSec: o.realtimeSettleSec, windowSec: o.realtimeWindowSec, rampCapSec: Math.max(o.rampCapSec, Math.ceil(o.realtimeN / 200)) }
    log(`inflight: hold N=${o.realtimeN} in real time (clock 1×, settle ${rt.settleSimSec} s, window ${rt.windowSec} s)`)
    const r = await scenario(rt, 'hold', o.realtimeN)
    log(`inflight: N=${o.realtimeN} 1× window ${JSON.stringify({ ...(r.window as object), sqlite: undefined })}`)
    hold.push(r)
  }
  if (o.pgCompareN > 0 && o.pgCompareUrl && !o.pgUrl) {
    log(`inflight: hold N=${o.pgCompareN} on PostgreSQL (clock ${o.compression}×)`)
    const r = await scenario({ ...o, pgUrl: o.pgCompareUrl }, 'hold', o.pgCompareN)
    log(`inflight: N=${o.pgCompareN} PostgreSQL window ${JSON.stringify({ ...(r.window as object), sqlite: undefined })}`)
    hold.push(r)
  }
  let lifecycle: Record<string, unknown> | null = null
  if (o.lifecycleN > 0) {
    log(`inflight: lifecycle N=${o.lifecycleN}`)
    lifecycle = await scenario(o, 'lifecycle', o.lifecycleN)
    log(`inflight: lifecycle ${JSON.stringify(lifecycle.efficiency)}`)
  }
  return {
    method: {
      database: o.pgUrl ? 'postgres' : 'sqlite',
      compression: o.compression,
      synchronous: o.synchronous,
      workerConcurrency: o.concurrency,
      pollConcurrency: o.pollConcurrency,
      windowSec: o.windowSec,
      settleSimSec: o.settleSimSec,
      realtimeN: o.realtimeN,
      realtimeSettleSec: o.realtimeSettleSec,
      realtimeWindowSec: o.realtimeWindowSec,
      rampCapSec: o.rampCapSec,
      model: 'seedance-2.0 (typical 105 s: first poll at 52.5 s, then 5 s × 1.5ⁿ up to 30 s)',
      equivalence: `N tasks at ${o.compression}× cause the upstream GET rate of ${o.compression}·N tasks in real time; memory is for N`,
    },
    hold,
    skipped,
    lifecycle,
    seconds: Math.round((Date.now() - started) / 1000),
  }
}

export type InflightResult = Awaited<ReturnType<typeof runInflight>>

if (isMain(import.meta.url)) {
  // `--compression=1 --settle=120 --window=30 --ramp-cap=180 --lifecycle=0` override the defaults.
  const args = process.argv.slice(2)
  const flag = (name: string) => {
    const a = args.find((x) => x.startsWith(`--${name}=`))
    return a === undefined ? undefined : Number(a.split('=')[1])
  }
  const ns = args.filter((a) => !a.startsWith('--')).map(Number).filter((x) => x > 0)
  const o: InflightOptions = {
    ...DEFAULT_INFLIGHT,
    ...(ns.length ? { holdNs: ns } : {}),
    compression: flag('compression') ?? DEFAULT_INFLIGHT.compression,
    settleSimSec: flag('settle') ?? DEFAULT_INFLIGHT.settleSimSec,
    windowSec: flag('window') ?? DEFAULT_INFLIGHT.windowSec,
    rampCapSec: flag('ramp-cap') ?? DEFAULT_INFLIGHT.rampCapSec,
    lifecycleN: flag('lifecycle') ?? DEFAULT_INFLIGHT.lifecycleN,
    realtimeN: flag('realtime') ?? DEFAULT_INFLIGHT.realtimeN,
    pgCompareN: flag('pg-compare') ?? DEFAULT_INFLIGHT.pgCompareN,
    budgetSec: flag('budget') ?? DEFAULT_INFLIGHT.budgetSec,
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
    // --pg runs the worker on the local PostgreSQL (REELAY_BENCH_PG_URL overrides where).
    pgUrl: args.includes('--pg') ? (process.env.REELAY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined,
  }
  const res = await runInflight(o)
  console.log(JSON.stringify(res, null, 2))
}
