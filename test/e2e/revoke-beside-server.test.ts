import { execFile, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { freshPgSchema, TEST_DB } from '../support/harness.js'
import { freePort, kill9, startServer } from '../support/server-process.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')
const procs: ChildProcess[] = []
const dirs: string[] = []
const drops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const p of procs.splice(0)) await kill9(p)
  for (const d of drops.splice(0)) await d()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function cli(env: Record<string, string>, ...args: string[]): Promise<string> {
  return (await run(process.execPath, [path.join(root, 'bin/reelay.mjs'), ...args], { env: { ...process.env, REELAY_LOG_LEVEL: 'silent', ...env } })).stdout
}

// Real processes: `reelay serve` and the operator's CLI, each with its own connection.
describe('the operator CLI beside running servers', { timeout: 180_000 }, () => {
  it('a fresh deployment started as several processes at once shares one key file, and a CLI revocation applies to the next request', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-revoke-e2e-'))
    dirs.push(dataDir)
    const pg = TEST_DB === 'postgres' ? await freshPgSchema() : null
    if (pg) drops.push(() => pg.drop())
    // Starved test CPUs are not overload to shed.
    const env: Record<string, string> = { REELAY_DATA_DIR: dataDir, REELAY_SHED_EVENT_LOOP_DELAY_MS: '0', PORT: String(await freePort()), ...(pg ? { DATABASE_URL: pg.url } : {}) }
    await cli(env, 'migrate')
    await cli(env, 'accounts', 'create', 'ops', '--credits', '1000')
    const created = JSON.parse(await cli(env, 'keys', 'create', '--account', 'ops', '--json')) as { id: string; key: string }
    // On PostgreSQL an API and a worker start at the same moment on the fresh data dir.
    const starting = [startServer(env, pg ? 'api' : 'all'), ...(pg ? [startServer({ ...env, PORT: '0' }, 'worker')] : [])]
    procs.push(...(await Promise.all(starting)))
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
    const usage = () => fetch(`http://127.0.0.1:${env.PORT}/v1/usage`, { headers: { authorization: `Bearer ${created.key}` } }).then((r) => r.status)
    expect(await usage()).toBe(200)
    // The worker (its own process on PostgreSQL) runs a job and signs its result link.
    const base = `http://127.0.0.1:${env.PORT}`
    const auth = { authorization: `Bearer ${created.key}` }
    const sub = await fetch(`${base}/v1/images/generate`, { method: 'POST', headers: { ...auth, 'idempotency-key': 'e2e-1', 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a paper boat' }) })
    const { jobId } = (await sub.json()) as { jobId: string }
    let status = ''
    for (let i = 0; i < 600 && status !== 'succeeded'; i++) {
      status = ((await (await fetch(`${base}/v1/jobs/${jobId}`, { headers: auth })).json()) as { status: string }).status
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe('succeeded')
    const result = (await (await fetch(`${base}/v1/jobs/${jobId}/result`, { headers: auth })).json()) as { outputs: Array<{ url: string }> }
    expect((await fetch(result.outputs[0]!.url)).status).toBe(200)

    await cli(env, 'keys', 'revoke', created.id)
    if (pg) {
      // The NOTIFY reaches the server asynchronously; it is bounded well below the 2 s cache.
      const t0 = performance.now()
      while ((await usage()) === 200 && performance.now() - t0 < 1_500) await new Promise((r) => setTimeout(r, 20))
    }
    expect(await usage()).toBe(401)
  })
})
