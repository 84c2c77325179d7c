/**
 * Synchronous image path (R4): `POST /v1/images/generations` (OpenAI images dialect) through
 * Reelay, against the same call straight to the mock upstream and through Portkey's open-source
 * AI gateway, in one run on one machine.
 *
 *   direct   autocannon → mock OpenAI (`openai-mock.ts`, the tests' fake Images API)
 *   portkey  autocannon → `@portkey-ai/gateway` (installed on demand into a temp folder, never a
 *            project dependency; `x-portkey-provider: openai`, `x-portkey-custom-host: <mock>/v1`)
 *   reelay   autocannon → `bin/reelay.mjs serve` (API + embedded worker, SQLite data dir, an
 *            `openai` channel whose baseUrl is the mock, the unlimited `bench` plan)
 *
 * Every server runs in its own process. Each scenario (target × concurrency, pipelining 1) gets
 * a warm-up, then rounds of one slice each in alternating order; RPS = median 1 s bucket of a
 * slice, latency percentiles from autocannon's per-response hrtime (µs resolution, 200s only),
 * added latency = target − direct in the same round; figures are medians over rounds. Every
 * answer is checked: 200 with `data[0].b64_json` holding a PNG, or it counts as a failure.
 *
 *   npx tsx bench/sync-image.ts [--warmup 2] [--slice 5] [--rounds 2] [--concurrency 1,20]
 *                               [--targets direct,portkey,reelay] [--portkey-version 1.15.2]
 *                               [--portkey-dir <folder with node_modules/@portkey-ai/gateway>]
 *   BENCH_CPU_PROF=<dir> profiles the Reelay process; BENCH_SQL_TIMES=<file> writes its time per SQLite statement.
 *
 * Prints a markdown table on stdout and writes `bench/results/sync-image-<date>.json`.
 * (`sync-image.ts provision <dataDir>` is the child that creates the bench account and key.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
import { BENCH_DIR, BENCH_PRICES, freePort, isMain, median, pct, procCpuMs, procRssMb, round, sleep, startChild, stopChild, type Child } from './common.js'

const ROOT = path.resolve(BENCH_DIR, '..')
const DEFAULT_PORTKEY_VERSION = '1.15.2'
const TARGETS = ['direct', 'portkey', 'reelay'] as const
type Target = (typeof TARGETS)[number]

/** The body an OpenAI SDK user sends (`client.images.generate`), valid for the Images API. */
const BODY = { model: 'gpt-image-2', prompt: 'a lighthouse on a cliff at sunrise, oil painting', n: 1, size: '1024x1024', quality: 'low', output_format: 'png' }
/** `data[0].b64_json` holding a PNG (base64 of the PNG signature starts with iVBOR). */
const B64_PNG = /"data"\s*:\s*\[\s*\{\s*"b64_json"\s*:\s*"iVBOR/

// ---- child: provisions the bench account in a fresh data dir, then exits -------------------------
async function provision(dataDir: string): Promise<void> {
  const { loadConfig } = await import('../src/config.js')
  const { createRuntime } = await import('../src/runtime.js')
  const pino = (await import('pino')).default
  const config = loadConfig({ ...process.env, REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'silent' })
  const rt = await createRuntime(config, { logger: pino({ level: 'silent' }) })
  await rt.accounts.create('bench', 'bench', 1e12)
  const { key } = await rt.accounts.createKey('bench', 'sync-image bench')
  await rt.close()
  console.log(`ready ${JSON.stringify({ key })}`)
  process.exit(0)
}

// ---- server processes ---------------------------------------------------------------------------
interface Proc {
  name: string
  child: ChildProcess
  pid: number
  /** The last lines the process wrote, for error reports. */
  tail: string[]
  lines: number
}

function spawnProc(name: string, cmd: string, args: string[], env: Record<string, string | undefined>, cwd?: string): Proc {
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const p: Proc = { name, child, pid: child.pid!, tail: [], lines: 0 }
  const keep = (d: Buffer) => {
    for (const line of d.toString('utf8').split('\n')) {
      if (!line.trim()) continue
      p.lines++
      p.tail.push(line.slice(0, 500))
    }
    if (p.tail.length > 40) p.tail.splice(0, p.tail.length - 40)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return p
}

async function waitHttp(p: Proc, url: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}:\n${p.tail.join('\n')}`)
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status < 500,
      () => false,
    )
    if (ok) return
    await sleep(100)
  }
  throw new Error(`${p.name} did not answer ${url} within ${timeoutMs} ms:\n${p.tail.join('\n')}`)
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  const exited = new Promise((r) => p.child.once('exit', r))
  p.child.kill('SIGTERM')
  const t = setTimeout(() => p.child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(t)
}

/** NaN once the process is gone. */
function rssMb(pid: number): number {
  try {
    return round(procRssMb(pid), 1)
  } catch {
    return NaN
  }
}

/** The environment without proxy settings: every call here is on loopback. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const k of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(k)) delete env[k]
  return { ...env, ...extra }
}

function installPortkey(version: string, dir: string): string {
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `@portkey-ai/gateway@${version}`], {
    encoding: 'utf8',
    env: cleanEnv({}) as NodeJS.ProcessEnv,
    timeout: 300_000,
  })
  if (r.status !== 0) throw new Error(`npm install @portkey-ai/gateway@${version} failed (${r.status}):\n${r.stderr}`)
  return dir
}

function portkeyPackage(dir: string): { version: string; start: string } {
  const pkgDir = path.join(dir, 'node_modules/@portkey-ai/gateway')
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin: string | Record<string, string> }
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (Object.values(pkg.bin)[0] ?? 'build/start-server.js')
  return { version: pkg.version, start: path.join(pkgDir, bin) }
}

/** What `bin/reelay.mjs` runs: the build in dist/ when no source is newer, else src/ through tsx. */
function reelayBuild(): 'dist' | 'tsx' {
  let builtAt: number
  try {
    builtAt = statSync(path.join(ROOT, 'dist/main.js')).mtimeMs
  } catch {
    return 'tsx'
  }
  for (const dir of ['src', 'packages/sdk/src']) {
    for (const f of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) if (statSync(path.join(ROOT, dir, f)).mtimeMs > builtAt) return 'tsx'
  }
  return 'dist'
}

// ---- measuring ----------------------------------------------------------------------------------
interface Slice {
  rps: number
  p50: number
  p99: number
  mean: number
  /** 200 answers with a PNG in data[0].b64_json. */
  ok: number
  /** Answers that were not (any status other than 200, or a 200 without the image). */
  bad: number
  errors: number
  serverCpuPct: number
  reqPerCpuSec: number
  mockCpuPct: number
  rssMb: number
}

interface Scenario {
  name: string
  target: Target
  c: number
  pid: number
  opts: autocannon.Options
}

const lastBad: Record<string, string> = {}

function cannon(opts: autocannon.Options, onLatency: (ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const inst = autocannon(opts, (err: unknown, res: autocannon.Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)))
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status === 200) onLatency(ms)
    })
  })
}

async function slice(s: Scenario, seconds: number, mockPid: number): Promise<Slice> {
  const lat: number[] = []
  let ok = 0
  let bad = 0
  const cpu0 = procCpuMs(s.pid)
  const mock0 = procCpuMs(mockPid)
  const t0 = performance.now()
  const r = await cannon(
    {
      ...s.opts,
      duration: seconds,
      requests: [
        {
          onResponse: (status: number, body: string) => {
            if (status === 200 && B64_PNG.test(body)) ok++
            else {
              bad++
              lastBad[s.name] = `${status} ${body.slice(0, 300)}`
            }
          },
        },
      ],
    },
    (ms) => lat.push(ms),
  )
  const wall = performance.now() - t0
  const cpu = procCpuMs(s.pid) - cpu0
  const mockCpu = procCpuMs(mockPid) - mock0
  lat.sort((a, b) => a - b)
  return {
    rps: Math.round(seconds >= 3 ? r.requests.p50 : r.requests.total / seconds),
    p50: round(pct(lat, 50), 3),
    p99: round(pct(lat, 99), 3),
    mean: round(lat.reduce((a, x) => a + x, 0) / Math.max(1, lat.length), 3),
    ok,
    bad,
    errors: r.errors + r.timeouts,
    serverCpuPct: Math.round((cpu / wall) * 100),
    reqPerCpuSec: cpu > 0 ? Math.round(ok / (cpu / 1000)) : NaN,
    mockCpuPct: Math.round((mockCpu / wall) * 100),
    rssMb: rssMb(s.pid),
  }
}

/** A few plain requests per target before any load: a target that fails them is not measured. */
async function verify(s: Scenario): Promise<{ status: number; bytes: number; pngBytes: number }> {
  let last = { status: 0, bytes: 0, pngBytes: 0 }
  for (let i = 0; i < 3; i++) {
    const res = await fetch(s.opts.url, { method: 'POST', headers: s.opts.headers as Record<string, string>, body: s.opts.body as string, signal: AbortSignal.timeout(30_000) })
    const text = await res.text()
    let png = Buffer.alloc(0)
    try {
      const b64 = (JSON.parse(text) as { data?: { b64_json?: string }[] }).data?.[0]?.b64_json
      if (b64) png = Buffer.from(b64, 'base64')
    } catch {
      // Not JSON: reported below.
    }
    const isPng = png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    if (res.status !== 200 || !isPng) throw new Error(`${s.target} answered ${res.status} without a PNG in data[0].b64_json: ${text.slice(0, 500)}`)
    last = { status: res.status, bytes: Buffer.byteLength(text), pngBytes: png.length }
  }
  return last
}

const rangeOf = (xs: number[], d = 3) => ({ median: round(median(xs), d), min: round(Math.min(...xs), d), max: round(Math.max(...xs), d) })

// ---- main ---------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      warmup: { type: 'string', default: '2' },
      slice: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '1,20' },
      targets: { type: 'string', default: TARGETS.join(',') },
      'portkey-version': { type: 'string', default: DEFAULT_PORTKEY_VERSION },
      'portkey-dir': { type: 'string' },
    },
  })
  const o = {
    warmupSec: Number(a.warmup),
    sliceSec: Number(a.slice),
    rounds: Number(a.rounds),
    concurrency: a.concurrency.split(',').map(Number),
    targets: a.targets.split(',').filter((t): t is Target => (TARGETS as readonly string[]).includes(t)),
  }
  if (!o.targets.includes('direct')) o.targets.unshift('direct')
  const log = (s: string) => console.error(`sync-image: ${s}`)
  const started = Date.now()
  const loadBefore = os.loadavg().map((x) => round(x, 2))
  const dirs: string[] = []
  const procs: Proc[] = []
  let mock: Child<{ url: string; apiKey: string }> | undefined
  const cleanup = async () => {
    for (const p of procs.splice(0)) await stopProc(p)
    if (mock) await stopChild(mock)
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  }
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)))

  try {
    log('starting the mock OpenAI upstream')
    mock = await startChild<{ url: string; apiKey: string }>('openai-mock.ts', [], { ipc: true })
    const mockUrl = mock.ready.url
    const mockKey = mock.ready.apiKey
    const mockServed = () =>
      new Promise<number>((resolve) => {
        mock!.child.once('message', (m: unknown) => resolve((m as { served: number }).served))
        mock!.child.send('stats')
      })

    let portkey: { port: number; proc: Proc; version: string } | undefined
    if (o.targets.includes('portkey')) {
      let dir = a['portkey-dir']
      if (!dir) {
        dir = mkdtempSync(path.join(os.tmpdir(), 'bench-portkey-'))
        dirs.push(dir)
        log(`installing @portkey-ai/gateway@${a['portkey-version']} into ${dir}`)
        installPortkey(a['portkey-version'], dir)
      }
      const pk = portkeyPackage(dir)
      const port = await freePort()
      // --headless: no UI or log stream. NODE_ENV=production as a deployment would run it.
      const proc = spawnProc('portkey', process.execPath, [pk.start, `--port=${port}`, '--headless'], cleanEnv({ NODE_ENV: 'production' }), dir)
      procs.push(proc)
      await waitHttp(proc, `http://127.0.0.1:${port}/`)
      portkey = { port, proc, version: pk.version }
      log(`portkey ${pk.version} on :${port}`)
    }

    let reelay: { port: number; proc: Proc; key: string; env: Record<string, string>; runs: 'dist' | 'tsx' } | undefined
    if (o.targets.includes('reelay')) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelay-bench-sync-'))
      dirs.push(dataDir)
      mkdirSync(dataDir, { recursive: true })
      writeFileSync(path.join(dataDir, 'prices.json'), JSON.stringify(BENCH_PRICES))
      const channelsFile = path.join(dataDir, 'channels.json')
      // One OpenAI channel at the mock. Its call budget and concurrency are far above the load,
      // so neither queues a job: the defaults (10 calls/s, 100 at once) are sized for real quotas.
      const channel = {
        id: 'openai-mock',
        provider: 'openai',
        baseUrl: mockUrl,
        apiKeyEnv: 'BENCH_OPENAI_KEY',
        models: { 'gpt-image-2': 'gpt-image-2' },
        maxConcurrent: 10_000,
        ratePerSecond: 1_000_000,
        options: { timeoutMs: 30_000 },
      }
      writeFileSync(channelsFile, JSON.stringify({ channels: [channel] }))
      const port = await freePort()
      const env: Record<string, string> = {
        REELAY_DATA_DIR: dataDir,
        REELAY_CHANNELS_FILE: channelsFile,
        BENCH_OPENAI_KEY: mockKey,
        PORT: String(port),
        HOST: '127.0.0.1',
        REELAY_LOG_LEVEL: 'warn',
        // Sync image requests run one submit each on the embedded worker; the default (4) is
        // sized for CPU-bound studio renders and would queue the c=20 load behind 4 slots.
        REELAY_WORKER_CONCURRENCY: process.env.REELAY_WORKER_CONCURRENCY ?? '32',
        REELAY_SQLITE_SYNCHRONOUS: process.env.REELAY_SQLITE_SYNCHRONOUS ?? 'FULL',
        // A loaded 2-core box is not overload to shed (as the e2e tests do).
        REELAY_SHED_EVENT_LOOP_DELAY_MS: '0',
        REELAY_SHUTDOWN_GRACE_MS: '2000',
      }
      log('provisioning the Reelay bench account')
      const prov = await startChild<{ key: string }>('sync-image.ts', ['provision', dataDir], { env: cleanEnv(env) as Record<string, string> })
      await prov.exited
      const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
      // BENCH_SQL_TIMES=<file>: time per SQLite statement in the Reelay process (bench/sql-timing.mjs).
      if (process.env.BENCH_SQL_TIMES) prof.push('--import', pathToFileURL(path.join(BENCH_DIR, 'sql-timing.mjs')).href)
      const proc = spawnProc('reelay', process.execPath, [...prof, path.join(ROOT, 'bin/reelay.mjs'), 'serve', '--role', 'all'], cleanEnv(env), ROOT)
      procs.push(proc)
      await waitHttp(proc, `http://127.0.0.1:${port}/healthz`)
      reelay = { port, proc, key: prov.ready.key, env: { ...env, BENCH_OPENAI_KEY: '(mock key)' }, runs: reelayBuild() }
      log(`reelay on :${port} (data in ${dataDir})`)
    }

    const body = JSON.stringify(BODY)
    const json = { 'content-type': 'application/json' }
    const mockPort = new URL(mockUrl).port
    const targetOpts = (t: Target): { pid: number; url: string; headers: Record<string, string> } => {
      if (t === 'direct') return { pid: mock!.pid, url: `${mockUrl}/images/generations`, headers: { ...json, authorization: `Bearer ${mockKey}` } }
      if (t === 'portkey')
        return {
          pid: portkey!.proc.pid,
          url: `http://127.0.0.1:${portkey!.port}/v1/images/generations`,
          headers: { ...json, authorization: `Bearer ${mockKey}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${mockPort}/v1` },
        }
      return { pid: reelay!.proc.pid, url: `http://127.0.0.1:${reelay!.port}/v1/images/generations`, headers: { ...json, authorization: `Bearer ${reelay!.key}` } }
    }
    const scenarios: Scenario[] = o.concurrency.flatMap((c) =>
      o.targets.map((t) => {
        const x = targetOpts(t)
        return { name: `${t}@c${c}`, target: t, c, pid: x.pid, opts: { url: x.url, method: 'POST' as const, headers: x.headers, body, connections: c, pipelining: 1 } }
      }),
    )

    const verified: Record<string, Awaited<ReturnType<typeof verify>>> = {}
    for (const t of o.targets) verified[t] = await verify(scenarios.find((s) => s.target === t)!)
    log(
      `verified: ${Object.entries(verified)
        .map(([t, v]) => `${t} ${v.status} (${v.bytes} B body, ${v.pngBytes} B PNG)`)
        .join(', ')}`,
    )
    const idleRss = Object.fromEntries(o.targets.map((t) => [t, rssMb(targetOpts(t).pid)]))

    for (const s of scenarios) {
      log(`warm-up ${s.name} (${o.warmupSec} s)`)
      await slice(s, o.warmupSec, mock.pid)
    }
    const got: Record<string, Slice[]> = Object.fromEntries(scenarios.map((s) => [s.name, []]))
    let reelayOk = 0
    let reelayUpstream = 0
    for (let r = 0; r < o.rounds; r++) {
      const order = r % 2 === 0 ? scenarios : [...scenarios].reverse()
      for (const s of order) {
        const before = s.target === 'reelay' ? await mockServed() : 0
        const x = await slice(s, o.sliceSec, mock.pid)
        if (s.target === 'reelay') {
          // Requests still in flight when autocannon stops reach the mock too: allow for them.
          await sleep(200)
          reelayUpstream += (await mockServed()) - before
          reelayOk += x.ok + x.bad
        }
        got[s.name]!.push(x)
      }
      log(`round ${r + 1}/${o.rounds} ${scenarios.map((s) => `${s.name}=${got[s.name]!.at(-1)!.rps}/s`).join(' ')}`)
    }

    // What Reelay recorded for the run (after its process exits, so every commit is in).
    let reelayRecords: { jobsByStatus: Record<string, number>; ledgerEntries: number; ledgerEntriesPerJob: number; queuedMsP50: number; runningMsP50: number } | null = null
    if (reelay) {
      await stopProc(reelay.proc)
      const Database = (await import('better-sqlite3')).default
      const db = new Database(path.join(reelay.env.REELAY_DATA_DIR!, 'reelay.db'), { readonly: true })
      const rows = db.prepare('select status, count(*) as n from jobs group by status').all() as { status: string; n: number }[]
      const ledger = (db.prepare('select count(*) as n from ledger_entries').get() as { n: number }).n
      // Where a job's time went, from its own timestamps: submit commit → claim, claim → terminal commit.
      const times = db.prepare("select started_at - created_at as q, finished_at - started_at as r from jobs where status = 'succeeded'").all() as { q: number; r: number }[]
      db.close()
      const jobs = rows.reduce((n, r) => n + r.n, 0)
      reelayRecords = {
        jobsByStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
        ledgerEntries: ledger,
        ledgerEntriesPerJob: jobs ? round(ledger / jobs, 2) : 0,
        queuedMsP50: median(times.map((t) => t.q)),
        runningMsP50: median(times.map((t) => t.r)),
      }
    }

    const summary = Object.fromEntries(
      scenarios.map((s) => {
        const xs = got[s.name]!
        const direct = got[`direct@c${s.c}`]!
        return [
          s.name,
          {
            target: s.target,
            connections: s.c,
            rps: rangeOf(
              xs.map((x) => x.rps),
              0,
            ),
            p50Ms: round(median(xs.map((x) => x.p50)), 3),
            p99Ms: round(median(xs.map((x) => x.p99)), 3),
            meanMs: round(median(xs.map((x) => x.mean)), 3),
            addedP50Ms: rangeOf(xs.map((x, i) => x.p50 - direct[i]!.p50)),
            addedP99Ms: rangeOf(xs.map((x, i) => x.p99 - direct[i]!.p99)),
            serverCpuPct: Math.round(median(xs.map((x) => x.serverCpuPct))),
            reqPerCpuSec: Math.round(median(xs.map((x) => x.reqPerCpuSec))),
            mockCpuPct: Math.round(median(xs.map((x) => x.mockCpuPct))),
            rssIdleMb: idleRss[s.target],
            rssMaxMb: Math.max(...xs.map((x) => x.rssMb)),
            ok: xs.reduce((n, x) => n + x.ok, 0),
            bad: xs.reduce((n, x) => n + x.bad, 0),
            errors: xs.reduce((n, x) => n + x.errors, 0),
            lastBad: lastBad[s.name] ?? null,
            slices: xs,
          },
        ]
      }),
    )
    const ratios = Object.fromEntries(
      o.concurrency.flatMap((c) => {
        const re = got[`reelay@c${c}`]
        const pk = got[`portkey@c${c}`]
        return re && pk ? [[`reelay_over_portkey_rps@c${c}`, rangeOf(re.map((x, i) => x.rps / pk[i]!.rps))]] : []
      }),
    )
    const res = {
      date: new Date().toISOString().slice(0, 10),
      machine: {
        cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
        cores: os.cpus().length,
        node: process.version,
        kernel: os.release(),
        loadAvgBefore: loadBefore,
        loadAvgAfter: os.loadavg().map((x) => round(x, 2)),
      },
      versions: {
        portkey: portkey?.version ?? null,
        autocannon: (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string }).version,
        reelayCommit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || null,
      },
      method: {
        request: `POST /v1/images/generations ${body}`,
        pipelining: 1,
        warmupSec: o.warmupSec,
        sliceSec: o.sliceSec,
        rounds: o.rounds,
        slices: `${o.rounds} × ${o.sliceSec} s per scenario in alternating order after a ${o.warmupSec} s warm-up each; RPS = median 1 s bucket of a slice, then median of slices; latency percentiles from per-response hrtime of 200s; added = target − direct in the same round, median of rounds`,
        check: '200 with a PNG in data[0].b64_json, else counted in `bad`',
        reelay: reelay
          ? {
              serve: 'node bin/reelay.mjs serve --role all',
              runs: reelay.runs,
              env: reelay.env,
              channel: 'openai provider, baseUrl = mock /v1, maxConcurrent 10000, ratePerSecond 1e6',
              // Mock requests while Reelay slices ran (+200 ms), against the answers they got: the
              // difference is the requests cut off when a slice stopped (at most c per slice).
              upstreamCallsDuringSlices: reelayUpstream,
              answersDuringSlices: reelayOk,
              records: reelayRecords,
            }
          : null,
        portkey: portkey
          ? {
              start: `node build/start-server.js --port=<port> --headless (NODE_ENV=production)`,
              headers: 'x-portkey-provider: openai, x-portkey-custom-host: <mock>/v1, Authorization: Bearer <mock key>',
            }
          : null,
        verified,
      },
      scenarios: summary,
      ratios,
      // What the server processes wrote (Reelay logs at warn): a warning per request would be a finding.
      serverOutput: Object.fromEntries(procs.map((p) => [p.name, { lines: p.lines, tail: p.tail.slice(-5).map((l) => l.replace(/rlx_[A-Za-z0-9_-]+/g, 'rlx_…')) }])),
      seconds: Math.round((Date.now() - started) / 1000),
    }
    mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true })
    const out = path.join(BENCH_DIR, 'results', `sync-image-${res.date}.json`)
    writeFileSync(out, `${JSON.stringify(res, null, 2)}\n`)
    log(`wrote ${path.relative(ROOT, out)}`)
    console.log(table(res))
  } finally {
    await cleanup()
  }
}

type Result = {
  date: string
  machine: { cpu: string; cores: number; node: string; loadAvgBefore: number[]; loadAvgAfter: number[] }
  versions: { portkey: string | null; autocannon: string }
  method: {
    reelay: {
      env: Record<string, string>
      runs: string
      upstreamCallsDuringSlices: number
      answersDuringSlices: number
      records: { jobsByStatus: Record<string, number>; ledgerEntriesPerJob: number; queuedMsP50?: number; runningMsP50?: number } | null
    } | null
    rounds: number
    sliceSec: number
    warmupSec: number
  }
  scenarios: Record<
    string,
    {
      target: Target
      connections: number
      rps: { median: number; min: number; max: number }
      p50Ms: number
      p99Ms: number
      addedP50Ms: { median: number }
      addedP99Ms: { median: number }
      serverCpuPct: number
      reqPerCpuSec: number
      rssIdleMb: number | undefined
      rssMaxMb: number
      ok: number
      bad: number
      errors: number
    }
  >
  ratios: Record<string, { median: number; min: number; max: number }>
}

function table(res: Result): string {
  const f = (x: number | undefined, d = 0) => (x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }))
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${f(x, 3)}`
  const lines = [
    `### Sync image path (R4): \`POST /v1/images/generations\`, ${res.date}`,
    '',
    `${res.machine.cpu}, ${res.machine.cores} cores, Node ${res.machine.node}; load average ${res.machine.loadAvgBefore.join(' / ')} before, ${res.machine.loadAvgAfter.join(' / ')} after. ` +
      `Portkey ${res.versions.portkey ?? '—'}, autocannon ${res.versions.autocannon}, pipelining 1, ${res.method.warmupSec} s warm-up, ${res.method.rounds} × ${res.method.sliceSec} s per scenario in alternating order. ` +
      `Reelay: SQLite synchronous=${res.method.reelay?.env.REELAY_SQLITE_SYNCHRONOUS ?? '—'}, REELAY_WORKER_CONCURRENCY=${res.method.reelay?.env.REELAY_WORKER_CONCURRENCY ?? '—'}, running ${res.method.reelay?.runs === 'dist' ? 'the build in dist/' : 'src/ through tsx (dist/ is older than src/)'}.`,
    '',
    '| c | Target | req/s median (range) | p50 / p99 ms | Added p50 / p99 ms vs direct | Server CPU % (req/CPU-s) | RSS MB idle → max | 200 with image / failed / socket errors |',
    '|---|---|---|---|---|---|---|---|',
  ]
  for (const s of Object.values(res.scenarios)) {
    const added = s.target === 'direct' ? '—' : `${signed(s.addedP50Ms.median)} / ${signed(s.addedP99Ms.median)}`
    lines.push(
      `| ${s.connections} | ${s.target} | ${f(s.rps.median)} (${f(s.rps.min)}–${f(s.rps.max)}) | ${f(s.p50Ms, 3)} / ${f(s.p99Ms, 3)} | ${added} | ${f(s.serverCpuPct)}% (${f(s.reqPerCpuSec)}) | ${f(s.rssIdleMb, 1)} → ${f(s.rssMaxMb, 1)} | ${f(s.ok)} / ${f(s.bad)} / ${f(s.errors)} |`,
    )
  }
  lines.push('')
  for (const [k, r] of Object.entries(res.ratios)) lines.push(`- ${k.replace('_over_', '/').replace('_rps@c', ' RPS at c=')}: **${f(r.median, 3)}** (rounds ${f(r.min, 3)}–${f(r.max, 3)})`)
  const rl = res.method.reelay
  if (rl) {
    lines.push(
      `- Reelay reached the mock ${f(rl.upstreamCallsDuringSlices)} times during its slices for ${f(rl.answersDuringSlices)} answers (the rest: requests cut off at a slice's end, which Reelay still runs). ` +
        `Its database after the run: jobs ${Object.entries(rl.records?.jobsByStatus ?? {})
          .map(([k, v]) => `${k} ${f(v)}`)
          .join(
            ', ',
          )}; ${f(rl.records?.ledgerEntriesPerJob ?? NaN, 2)} ledger entries per job; median ms from submit to claim ${f(rl.records?.queuedMsP50 ?? NaN, 1)}, from claim to the terminal state ${f(rl.records?.runningMsP50 ?? NaN, 1)}.`,
    )
  }
  lines.push('- "direct" server CPU is the mock itself; for Portkey and Reelay it is the gateway process alone (the mock is shared).')
  return lines.join('\n')
}

if (isMain(import.meta.url)) {
  if (process.argv[2] === 'provision') await provision(process.argv[3]!)
  else await main()
}
