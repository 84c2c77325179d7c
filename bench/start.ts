/**
 * Start to healthy and idle RSS (issue 14): `node bin/reelay.mjs serve` and `npm start` against
 * a bare `node -e` http server started the same way, in alternating rounds of one run.
 *
 *   npx tsx bench/start.ts [rounds=5]
 *
 * "first start" opens an empty data dir (migrations, secret key); "restart" reuses it. Time is
 * from spawn to the first 200 of `/healthz` (polled every 5 ms); RSS is the serving process's
 * VmRSS 2 s after that, with no request in between. Run `npm run build` first: a build older
 * than src/ makes bin/reelay.mjs fall back to tsx, which is what this must not measure.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BENCH_DIR, freePort, isMain, median, procCpuMs, procRssMb, sleep } from './common.js'

const ROOT = path.join(BENCH_DIR, '..')
const BARE = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"ok":true}') }).listen(Number(process.env.PORT), '127.0.0.1')`

type Target = 'bare' | 'node' | 'npm'
const COMMAND: Record<Target, [string, string[]]> = {
  bare: [process.execPath, ['-e', BARE]],
  node: [process.execPath, ['bin/reelay.mjs', 'serve']],
  npm: ['npm', ['start', '--silent']],
}

export interface StartSample {
  target: Target
  phase: 'first' | 'restart'
  ms: number
  /** CPU (user + system) the serving process used up to that first 200: steadier than wall time on a shared machine. */
  cpuMs: number
  /** VmRSS of the process answering /healthz (for npm, its node child), MB. */
  rssMb: number
  /** The npm wrapper's own VmRSS, MB (npm only). */
  wrapperRssMb?: number
}

/** The deepest node process under `pid` (npm start → sh → node): the one that serves. */
function servingPid(pid: number): number {
  for (;;) {
    let kids: string[] = []
    try {
      kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    } catch {
      return pid
    }
    if (kids.length === 0) return pid
    pid = Number(kids[0])
  }
}

async function startOnce(target: Target, phase: StartSample['phase'], dataDir: string): Promise<StartSample> {
  const port = await freePort()
  const [cmd, args] = COMMAND[target]
  const t0 = performance.now()
  const child: ChildProcess = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  })
  let exit: number | null | undefined
  child.once('exit', (c) => (exit = c))
  try {
    for (;;) {
      if (exit !== undefined) throw new Error(`${target} exited with ${exit} before it was healthy`)
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      if (performance.now() - t0 > 60_000) throw new Error(`${target} not healthy after 60 s`)
      await sleep(5)
    }
    const ms = performance.now() - t0
    const cpuMs = procCpuMs(servingPid(child.pid!))
    await sleep(2_000)
    const served = servingPid(child.pid!)
    return { target, phase, ms, cpuMs, rssMb: procRssMb(served), ...(served !== child.pid ? { wrapperRssMb: procRssMb(child.pid!) } : {}) }
  } finally {
    // The whole group: npm leaves its node child behind otherwise.
    if (exit === undefined) {
      process.kill(-child.pid!, 'SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  }
}

export async function runStart(rounds = 5): Promise<StartSample[]> {
  const built = statSync(path.join(ROOT, 'dist/main.js')).mtimeMs
  const stale = readdirSync(path.join(ROOT, 'src'), { recursive: true }).find((f) => statSync(path.join(ROOT, 'src', String(f))).mtimeMs > built)
  // bin/reelay.mjs would run src/ through tsx: not the start this measures.
  if (stale) throw new Error(`src/${String(stale)} is newer than dist/: run npm run build first`)
  const samples: StartSample[] = []
  const order: Target[] = ['bare', 'node', 'npm']
  for (let r = 0; r < rounds; r++) {
    // Alternating order, so a burst of load elsewhere does not land on one target only.
    for (const target of r % 2 ? [...order].reverse() : order) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-start-'))
      try {
        samples.push(await startOnce(target, 'first', dir))
        samples.push(await startOnce(target, 'restart', dir))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  return samples
}

export function startTable(samples: StartSample[]): string {
  const fmt = (xs: number[], d = 0) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`
  const rows = ['| Command | First start to healthy, ms | Restart to healthy, ms | CPU to healthy (restart), ms | Idle RSS, MB | Ratio to bare (restart, median) |', '|---|---|---|---|---|---|']
  const bareRestart = median(samples.filter((s) => s.target === 'bare' && s.phase === 'restart').map((s) => s.ms))
  const label: Record<Target, string> = { bare: 'bare `node -e` http server', node: '`node bin/reelay.mjs serve`', npm: '`npm start`' }
  for (const t of ['bare', 'node', 'npm'] as const) {
    const of = (phase: StartSample['phase']) => samples.filter((s) => s.target === t && s.phase === phase)
    const rss = samples.filter((s) => s.target === t).map((s) => s.rssMb)
    const wrapper = samples.flatMap((s) => (s.target === t && s.wrapperRssMb ? [s.wrapperRssMb] : []))
    const restart = of('restart').map((s) => s.ms)
    rows.push(
      `| ${label[t]} | ${fmt(of('first').map((s) => s.ms))} | ${fmt(restart)} | ${fmt(of('restart').map((s) => s.cpuMs))} | ${fmt(rss)}${wrapper.length ? ` (+ npm wrapper ${fmt(wrapper)})` : ''} | ${(median(restart) / bareRestart).toFixed(1)}× |`,
    )
  }
  return rows.join('\n')
}

if (isMain(import.meta.url)) {
  const samples = await runStart(Number(process.argv[2] ?? 5))
  process.stdout.write(
    `${startTable(samples)}\n\n${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} after the run\n`,
  )
}
