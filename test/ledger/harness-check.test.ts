import { describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness.js'

// Every suite relies on this: the harness checks the ledger over its database when it closes.
describe('the harness ledger check', () => {
  it('passes after real work and fails a file whose database breaks the invariant', async () => {
    const sound = await createHarness()
    const c = await sound.customer(100)
    const res = await sound.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'k1' }, payload: { prompt: 'a sound ledger' } })
    expect(res.statusCode).toBe(202)
    await sound.rt.worker.drain()
    await expect(sound.close()).resolves.toBeUndefined()

    const broken = await createHarness()
    const d = await broken.customer(100)
    await broken.rt.store.db.updateTable('accounts').set({ balance: 101 }).where('id', '=', d.account.id).execute()
    await expect(broken.close()).rejects.toThrow(/ledger invariant broken:\n.*counters 101\/0 ≠ ledger 100\/0/)
  })
})
