import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { ledger } from '../../src/ledger/ledger.js'
import { findLedgerMismatches } from '../../src/ledger/doctor.js'
import { createHarness, type Harness } from '../support/harness.js'

const MAX = Number.MAX_SAFE_INTEGER // 2^53 − 1: the highest maximum the config accepts
let h: Harness

beforeAll(async () => {
  h = await createHarness({ env: { REELAY_MAX_BALANCE: String(MAX) } })
})
afterAll(async () => {
  await h.close()
})

describe('balances at the edge of 2^53', () => {
  it('grants 2^53−1 once, refuses a second grant and then a grant of 1, and loses nothing', async () => {
    const c = await h.customer(0)
    await h.rt.accounts.grant(c.account.name, MAX)
    for (const amount of [MAX, 1]) {
      const err = await h.rt.accounts.grant(c.account.name, amount).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'invalid_request', field: 'credits', message: expect.stringContaining(`past the maximum balance of ${MAX}`) })
    }
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: MAX, reserved: 0, available: MAX })
    expect(await ledger.recompute(h.rt.store.db, c.account.id)).toEqual({ balance: MAX, reserved: 0, available: MAX })
    expect(await findLedgerMismatches(h.rt.store.db)).toEqual([])
    // What the customer sees is the exact figure.
    const usage = (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()
    expect(usage).toMatchObject({ balance: MAX, available: MAX })
    // Spending and topping up again stays exact.
    const job = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'edge-1' }, payload: { prompt: 'a lighthouse' } })
    expect(job.statusCode).toBe(202)
    await h.rt.worker.drain()
    const spent = MAX - (await ledger.figures(h.rt.store.db, c.account.id))!.balance
    expect(spent).toBeGreaterThan(0)
    await h.rt.accounts.grant(c.account.name, spent)
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: MAX, reserved: 0, available: MAX })
    expect(await findLedgerMismatches(h.rt.store.db)).toEqual([])
  })

  it('refuses initial credits past the maximum, creating no account', async () => {
    await expect(h.rt.accounts.create('too-rich', 'default', MAX + 1)).rejects.toMatchObject({ code: 'invalid_request', field: 'credits' })
    await expect(h.rt.accounts.byName('too-rich')).rejects.toMatchObject({ code: 'not_found' })
  })
})
