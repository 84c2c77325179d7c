import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createAccounts } from '../../src/accounts/accounts.js'
import { systemClock } from '../../src/domain/clock.js'
import { sharedDatabase } from '../support/harness.js'
import { freePort, startServer } from '../support/server-process.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-shutdown-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the running step, hands back its lease and exits 0', async () => {
    const database = await sharedDatabase(dataDir)
    const store = await database.open()
    const accounts = createAccounts(store, systemClock)
    await accounts.create('bye', 'default', 10_000)
    const { key } = await accounts.createKey('bye', null)
    const port = String(await freePort())
    const server = await startServer({ ...database.env, PORT: port, REELAY_WORKER_IDLE_MS: '20' })
    const res = await fetch(`http://127.0.0.1:${port}/v1/videos/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'long-render', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a long render to interrupt', size: '16:9_LARGE', duration: 10 }),
    })
    expect(res.status).toBe(202)
    const { jobId } = (await res.json()) as { jobId: string }
    // Wait until a worker holds the job's lease (it is rendering), then ask the server to stop.
    for (let i = 0; i < 500; i++) {
      const row = await store.db.selectFrom('jobs').select(['leaseOwner', 'status']).where('id', '=', jobId).executeTakeFirstOrThrow()
      if (row.leaseOwner && row.status === 'processing') break
      await new Promise((r) => setTimeout(r, 20))
    }
    server.kill('SIGTERM')
    const [code] = await once(server, 'exit')
    expect(code).toBe(0)
    const row = await store.db.selectFrom('jobs').select(['leaseOwner', 'leaseExpiresAt', 'status']).where('id', '=', jobId).executeTakeFirstOrThrow()
    expect(row.leaseOwner).toBeNull()
    expect(row.leaseExpiresAt).toBeNull()
    expect(['succeeded', 'processing']).toContain(row.status)
    await store.close()
    await database.drop()
  }, 120_000)
})
