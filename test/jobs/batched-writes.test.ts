import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { claimDueJobs } from '../../src/jobs/claim.js'
import { createTransitions } from '../../src/jobs/transitions.js'
import { createHarness, TEST_DB, type Harness } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.close()
})

describe('poll writes committed in batches', () => {
  it('keeps each write fenced: a stale lease in the same batch changes nothing, the others land', async () => {
    h = await createHarness({ env: { REELAY_STUDIO_LATENCY_MS: '60000' } })
    const c = await h.customer(10_000)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': `b-${i}` }, payload: { prompt: 'a lighthouse at dusk' } })
      ids.push(res.json().jobId as string)
    }
    const now = h.clock.now()
    const claimed = await claimDueJobs(h.rt.store, 'w1', now, 60_000, 10)
    expect(claimed.map((j) => j.id).sort()).toEqual([...ids].sort())
    const stale = claimed[0]!
    // Another worker took the first job over after w1's lease: w1's token is now stale.
    h.clock.advance(60_001)
    const [takenOver] = await claimDueJobs(h.rt.store, 'w2', h.clock.now(), 60_000, 1)
    expect(takenOver?.id).toBe(stale.id)

    const tx = createTransitions(h.rt.store)
    // All three writes are issued in one turn, so they commit together.
    const results = await Promise.all(claimed.map((j, i) => tx.recordPoll(j, { progress: 10 + i, pollCount: 1, nextRunAt: now + 5_000 }, now)))
    expect(results).toEqual([false, true, true])
    const rows = await h.rt.store.db.selectFrom('jobs').select(['id', 'progress', 'leaseOwner']).where('id', 'in', ids).execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(byId.get(stale.id)).toMatchObject({ progress: 0, leaseOwner: 'w2' })
    claimed.slice(1).forEach((j, i) => expect(byId.get(j.id)).toMatchObject({ progress: 11 + i, leaseOwner: null }))
  })

  it.runIf(TEST_DB === 'sqlite')('relaxes the disk flush only inside light transactions: job outcomes and credits stay fully durable', async () => {
    h = await createHarness({ env: { REELAY_SQLITE_SYNCHRONOUS: 'FULL' } })
    const level = async () => Number(Object.values((await sql<Record<string, number>>`pragma synchronous`.execute(h.rt.store.db)).rows[0]!)[0])
    expect(await level()).toBe(2) // FULL
    const inside = await h.rt.store.lightTransaction(async (trx) => Number(Object.values((await sql<Record<string, number>>`pragma synchronous`.execute(trx)).rows[0]!)[0]))
    expect(inside).toBe(1) // NORMAL
    expect(await level()).toBe(2)
    // Also after a light transaction that fails.
    await expect(h.rt.store.lightTransaction(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await level()).toBe(2)
  })
})
