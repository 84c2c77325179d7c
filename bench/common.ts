/** Small helpers shared by the benchmark scripts (no Reelay imports, so children load fast). */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { createServer } from 'node:net'
import path from 'node:path'

export const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname)

/** A plan no benchmark can exhaust: the limit checks stay in the request path but never refuse. */
export const BENCH_PRICES = { plans: { bench: { name: 'Bench', requestsPerMinute: 100_000_000, maxActiveJobs: 100_000_000, monthlyCreditQuota: null } } }

export async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1')
  await once(s, 'listening')
  const p = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return p
}

export interface Child<T> {
  child: ChildProcess
  pid: number
  ready: T
  /** `result <json>` lines the child printed, parsed. */
  results: unknown[]
  exited: Promise<number | null>
}

/**
 * Runs `bench/<script>` in its own Node process (tsx loader) and waits for its `ready <json>`
 * line. `result <json>` lines are collected in `results`; other output is passed through.
 */
export async function startChild<T = Record<string, unknown>>(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; execArgv?: string[]; ipc?: boolean; timeoutMs?: number } = {},
): Promise<Child<T>> {
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), '--import', 'tsx', path.join(BENCH_DIR, script), ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit', ...(opts.ipc ? (['ipc'] as const) : [])],
  })
  const results: unknown[] = []
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
  let buf = ''
  const ready = await new Promise<T>((resolve, reject) => {
    const limit = opts.timeoutMs ?? 180_000
    const timer = setTimeout(() => reject(new Error(`${script} not ready after ${limit} ms`)), limit)
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (d: string) => {
      buf += d
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line.startsWith('ready ')) {
          clearTimeout(timer)
          resolve(JSON.parse(line.slice(6)) as T)
        } else if (line.startsWith('result ')) results.push(JSON.parse(line.slice(7)))
        else if (line.trim()) process.stderr.write(`[${script}] ${line}\n`)
      }
    })
    void exited.then((c) => {
      clearTimeout(timer)
      reject(new Error(`${script} ${args.join(' ').slice(0, 80)} exited with ${c} before it was ready`))
    })
  })
  return { child, pid: child.pid!, ready, results, exited }
}

/** Asks a child to exit (SIGTERM, which our children turn into a clean exit) and waits. */
export async function stopChild(c: Child<unknown>, graceMs = 10_000): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return
  c.child.kill('SIGTERM')
  const t = setTimeout(() => c.child.kill('SIGKILL'), graceMs)
  await c.exited
  clearTimeout(t)
}

// USER_HZ: 100 on every mainstream Linux build (`getconf CLK_TCK`).
const CLK_TCK = 100

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK
}

/** Resident memory of a live process, in MB, from /proc (VmRSS). */
export function procRssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Nearest-rank percentile of an ascending array. */
export function pct(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/**
 * Time compression for the capacity runs: simulated time starts at `t0` (a real epoch) and runs
 * `factor` times faster than the wall clock. Processes given the same t0 and factor agree.
 */
export function compressedNow(t0: number, factor: number): () => number {
  return () => Math.floor(t0 + (performance.timeOrigin + performance.now() - t0) * factor)
}

/** Whether this module was started as the entry script (`npx tsx bench/<name>`). */
export function isMain(url: string): boolean {
  return !!process.argv[1] && path.resolve(process.argv[1]) === new URL(url).pathname
}

/**
 * A V8 CPU profile of one window of a run (set-up excluded), written to `file` as a
 * `.cpuprofile`; without a file, start and stop do nothing.
 */
export function windowProfiler(file: string | undefined): { start(): Promise<void>; stop(): Promise<void> } {
  const session = file ? new Session() : null
  return {
    async start() {
      if (!session) return
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
    },
    async stop() {
      if (!session) return
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(file!, JSON.stringify(profile))
      session.disconnect()
    },
  }
}
