import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createAccounts } from '../../src/accounts/accounts.js'
import { systemClock } from '../../src/domain/clock.js'
import { sharedDatabase } from '../support/harness.js'
import { freePort, kill9, startServer } from '../support/server-process.js'
import { startReceiver } from '../support/receiver.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-wh-restart-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('webhooks across a kill -9', () => {
  it('delivers after the server is killed mid-delivery and restarted, with the same webhook-id', async () => {
    const database = await sharedDatabase(dataDir)
    const setup = await database.open()
    const accounts = createAccounts(setup, systemClock)
    await accounts.create('hooks', 'default', 1_000)
    const { key } = await accounts.createKey('hooks', null)
    await setup.close()

    const receiver = await startReceiver((_r, n) => (n === 1 ? 'hang' : 200))
    const port = String(await freePort())
    const env = { ...database.env, PORT: port, REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_LEASE_MS: '1000', REELAY_WEBHOOK_TIMEOUT_MS: '1000', REELAY_WORKER_IDLE_MS: '50' }
    let server = await startServer(env)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/images/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'restart-1', 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'deliver me across a crash', webhookUrl: `${receiver.url}/hook` }),
      })
      expect(res.status).toBe(202)
      // The first attempt reaches the receiver and hangs there; kill the server meanwhile.
      while (receiver.received.length === 0) await new Promise((r) => setTimeout(r, 20))
      await kill9(server)
      server = await startServer(env)
      for (let i = 0; i < 300 && receiver.received.length < 2; i++) await new Promise((r) => setTimeout(r, 100))
      expect(receiver.received.length).toBe(2)
      expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id'])
      expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ type: 'job.succeeded' })
    } finally {
      await kill9(server)
      await receiver.close()
      await database.drop()
    }
  }, 60_000)
})
