import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from '../../support/server-process.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

export interface Server {
  url: string
  dataDir: string
  /** Everything the server logged (the one-time setup token is printed there). */
  log(): string
  /** Runs the operator CLI on the same data dir. */
  cli(args: string[]): Promise<{ code: number | null; out: string }>
  stop(): Promise<void>
}

/** `reelay serve` on 127.0.0.1 with a fresh SQLite data dir; resolves when /healthz answers. */
export async function startDashboardServer(env: Record<string, string> = {}): Promise<Server> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-browser-'))
  const port = await freePort()
  const base: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: String(port), REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'info', REELAY_SHED_EVENT_LOOP_DELAY_MS: '0', ...env }
  delete base.DATABASE_URL
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin/reelay.mjs'), 'serve'], { env: base, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()))
  const url = `http://127.0.0.1:${port}`
  let up = false
  for (let i = 0; i < 1_200 && !up; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`)
    up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (!up) await new Promise((r) => setTimeout(r, 50))
  }
  if (!up) {
    child.kill('SIGKILL')
    throw new Error(`server did not start:\n${log}`)
  }
  return {
    url,
    dataDir,
    log: () => log,
    async cli(args) {
      const c = spawn(process.execPath, [path.join(ROOT, 'bin/reelay.mjs'), ...args], { env: { ...base, REELAY_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      c.stdout.on('data', (b: Buffer) => (out += b.toString()))
      c.stderr.on('data', (b: Buffer) => (out += b.toString()))
      const [code] = (await once(c, 'exit')) as [number | null]
      return { code, out }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await once(child, 'exit')
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
