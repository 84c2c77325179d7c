import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { createRuntime, type Runtime } from '../../src/runtime.js'
import { createHarness, TEST_DB, type Harness } from '../support/harness.js'
import type { FastifyInstance } from 'fastify'

let h: Harness | null = null
let other: { rt: Runtime; app: FastifyInstance } | null = null
afterEach(async () => {
  await other?.app.close()
  await other?.rt.close()
  await h?.close()
  h = other = null
})

/** A second process of the same deployment: same database (and data dir), same clock. */
async function secondProcess(first: Harness) {
  const rt = await createRuntime(first.config, { clock: first.clock, logger: pino({ level: 'silent' }) })
  const app = await buildApp(rt.appDeps, { logger: false })
  await rt.listen('api')
  other = { rt, app }
  return other
}

const usage = (app: FastifyInstance, auth: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/usage', headers: auth }).then((r) => r.statusCode)

async function keyIdOf(h: Harness, accountName: string): Promise<string> {
  return (await h.rt.accounts.listKeys(accountName))[0]!.id
}

describe('API key revocation', () => {
  it('refuses a revoked key on the very next request in the same process', async () => {
    h = await createHarness()
    const c = await h.customer()
    expect(await usage(h.app, c.auth)).toBe(200)
    await h.rt.accounts.revokeKey(await keyIdOf(h, c.account.name))
    // The manual clock never moves: only eviction can end the cached entry.
    expect(await usage(h.app, c.auth)).toBe(401)
  })

  /** Revokes in the harness's process; the second process must refuse the key once told. */
  async function revokeAcrossProcesses(env: Record<string, string>): Promise<void> {
    h = await createHarness({ env })
    const b = await secondProcess(h)
    const c = await h.customer()
    expect(await usage(b.app, c.auth)).toBe(200)
    const keyId = await keyIdOf(h, c.account.name)
    // The manual clock never moves, so the cached entry can only end by the message.
    const landed = new Promise<void>((resolve) => b.rt.revocations.on('revoked', (id) => id === keyId && resolve()))
    await h.rt.accounts.revokeKey(keyId)
    await landed
    expect(await usage(b.app, c.auth)).toBe(401)
    expect(await usage(h.app, c.auth)).toBe(401)
  }

  it.runIf(TEST_DB === 'postgres')('on PostgreSQL, another process refuses the key as soon as the NOTIFY lands', async () => {
    await revokeAcrossProcesses({})
  })

  it.runIf(TEST_DB === 'sqlite')('with Redis, another process on the same SQLite file refuses the key as soon as the message lands', async () => {
    await revokeAcrossProcesses({ REDIS_URL: 'redis://127.0.0.1:6379' })
  })

  it.runIf(TEST_DB === 'sqlite')('without Redis, another process on the same SQLite file refuses the key on its next request', async () => {
    h = await createHarness()
    const b = await secondProcess(h)
    const c = await h.customer()
    const other = await h.customer()
    expect(await usage(b.app, c.auth)).toBe(200)
    expect(await usage(b.app, other.auth)).toBe(200)
    // Other writes (a job, a grant) leave the cache alone; the manual clock never moves.
    await h.rt.accounts.grant(other.account.name, 5)
    expect(await usage(b.app, c.auth)).toBe(200)
    await h.rt.accounts.revokeKey(await keyIdOf(h, c.account.name))
    expect(await usage(b.app, c.auth)).toBe(401)
    expect(await usage(b.app, other.auth)).toBe(200)
  })
})
