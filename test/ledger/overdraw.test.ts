import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { ledger } from '../../src/ledger/ledger.js'

let h: Harness

beforeAll(async () => {
  h = await createHarness({ env: {} })
})
afterAll(async () => {
  await h.close()
})

describe('ledger under contention', () => {
  it('accepts exactly N of 10N concurrent submits when credit covers N, never going below zero', async () => {
    const N = 7
    const c = await h.customer(20 * N, 'pro')
    // The pro plan allows 20 active jobs; keep N under it so only credit decides.
    const samples: number[] = []
    const sampler = setInterval(() => {
      void ledger.figures(h.rt.store.db, c.account.id).then((f) => f && samples.push(f.available))
    }, 1)
    const results = await Promise.all(
      Array.from({ length: 10 * N }, (_, i) =>
        h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': `distinct-${i}` }, payload: { prompt: `picture ${i}` } }),
      ),
    )
    clearInterval(sampler)
    const codes = results.map((r) => r.statusCode)
    expect(codes.filter((s) => s === 202)).toHaveLength(N)
    expect(codes.filter((s) => s === 402)).toHaveLength(9 * N)
    expect(samples.every((a) => a >= 0)).toBe(true)
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 20 * N, reserved: 20 * N, available: 0 })
    await h.rt.worker.drain()
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 0, reserved: 0, available: 0 })
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })

  it('captures less and releases the rest on a cheaper actual cost; caps a dearer one at the hold', async () => {
    const c = await h.customer(1_000)
    const db = h.rt.store.db
    const now = h.clock.now()
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('jobs').values(fakeJob('job_cheap', c.account.id, now)).execute()
      await trx.insertInto('jobs').values(fakeJob('job_dear', c.account.id, now)).execute()
      expect((await ledger.hold(trx, c.account.id, 'job_cheap', 100, now)).ok).toBe(true)
      expect((await ledger.hold(trx, c.account.id, 'job_dear', 100, now)).ok).toBe(true)
    })
    await db.transaction().execute(async (trx) => {
      expect(await ledger.capture(trx, c.account.id, 'job_cheap', 100, 60, now)).toEqual({ captured: 60, shortfall: 0 })
      expect(await ledger.capture(trx, c.account.id, 'job_dear', 100, 130, now)).toEqual({ captured: 100, shortfall: 30 })
    })
    expect(await ledger.figures(db, c.account.id)).toEqual({ balance: 840, reserved: 0, available: 840 })
    expect(await ledger.recompute(db, c.account.id)).toEqual({ balance: 840, reserved: 0, available: 840 })
  })

  it('refuses a second capture or release of the same job at the database level', async () => {
    const c = await h.customer(1_000)
    const db = h.rt.store.db
    const now = h.clock.now()
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('jobs').values(fakeJob('job_twice', c.account.id, now)).execute()
      await ledger.hold(trx, c.account.id, 'job_twice', 50, now)
      await ledger.release(trx, c.account.id, 'job_twice', 50, 'first', now)
    })
    await expect(db.transaction().execute((trx) => ledger.release(trx, c.account.id, 'job_twice', 50, 'second', now))).rejects.toThrow(/unique/i)
    expect(await ledger.figures(db, c.account.id)).toEqual({ balance: 1_000, reserved: 0, available: 1_000 })
  })
})

function fakeJob(id: string, accountId: string, now: number) {
  return {
    id, accountId, apiKeyId: 'key_x', dialect: 'native', model: 'gpt-image-2', type: 'image' as const, params: '{}', price: 100, status: 'succeeded' as const,
    progress: 100, errorCode: null, errorMessage: null, errorDetail: null, provider: null, channel: null, upstreamId: null, submitUncertain: 0, attempt: 0,
    pollCount: 0, leaseOwner: null, leaseExpiresAt: null, nextRunAt: now, deadlineAt: now, outputs: null, webhookUrl: null, createdAt: now, startedAt: null, finishedAt: now, updatedAt: now,
  }
}
