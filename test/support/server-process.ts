import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '../..')

export async function freePort(): Promise<number> {
  const s = createServer()
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const port = (s.address() as { port: number }).port
  s.close()
  return port
}

/** Starts `reelay serve` as a real process and resolves once it answers /healthz. */
export async function startServer(env: Record<string, string>, role = 'all'): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin/reelay.mjs'), 'serve', '--role', role], {
    // Test machines are starved for CPU; a lagging loop there is not overload to shed.
    env: { ...process.env, REELAY_LOG_LEVEL: 'warn', REELAY_SHED_EVENT_LOOP_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (role === 'worker') return child
  const url = `http://127.0.0.1:${env.PORT}/healthz`
  // Up to a minute: on a loaded 2-core machine tsx alone can take tens of seconds to start.
  for (let i = 0; i < 1_200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    const ok = await fetch(url).then((r) => r.ok, () => false)
    if (ok) return child
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error('server did not start')
}

export async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGKILL')
  await once(child, 'exit')
}
