import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { claimDueJobs } from '../../src/jobs/claim.js'
import { createTransitions } from '../../src/jobs/transitions.js'
import { ledger } from '../../src/ledger/ledger.js'

let h: Harness
afterEach(async () => {
  await h?.close()
})

const submitImage = async (auth: Record<string, string>, key: string, extra: object = {}) =>
  (await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': key }, payload: { prompt: 'a lighthouse at dusk', ...extra } })).json().jobId as string

const status = async (auth: Record<string, string>, id: string) => (await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: auth })).json()

describe('worker', () => {
  it('resumes a job whose worker died once its lease expires, charging once', async () => {
    h = await createHarness()
    const c = await h.customer(1_000)
    const id = await submitImage(c.auth, 'crash-1')
    // A worker claims the job and dies before doing anything.
    const [claimed] = await claimDueJobs(h.rt.store, 'dead-worker', h.clock.now(), h.config.REELAY_LEASE_MS, 10)
    expect(claimed?.id).toBe(id)
    await h.rt.worker.drain()
    expect((await status(c.auth, id)).status).toBe('queued')
    h.clock.advance(h.config.REELAY_LEASE_MS + 1)
    await h.rt.worker.drain()
    expect((await status(c.auth, id)).status).toBe('succeeded')
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 980, reserved: 0, available: 980 })
    // The dead worker wakes up and tries to settle with its old fencing token: nothing happens.
    const tx = createTransitions(h.rt.store)
    expect(await tx.succeed(claimed!, [], undefined, h.clock.now())).toBe(false)
    expect(await tx.fail(claimed!, 'generation_failed', 'late', null, h.clock.now())).toBe(false)
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })

  it('shows progress while the studio renders with simulated latency', async () => {
    h = await createHarness({ env: { REELAY_STUDIO_LATENCY_MS: '10000' } })
    const c = await h.customer()
    const id = await submitImage(c.auth, 'slow-1')
    await h.rt.worker.drain()
    expect(await status(c.auth, id)).toMatchObject({ status: 'processing', progress: 0 })
    h.clock.advance(5_000)
    await h.rt.worker.drain()
    expect(await status(c.auth, id)).toMatchObject({ status: 'processing', progress: 50 })
    h.clock.advance(5_000)
    await h.rt.worker.drain()
    expect(await status(c.auth, id)).toMatchObject({ status: 'succeeded', progress: 100 })
  })

  it('fails a job past its deadline with timeout and releases the hold', async () => {
    h = await createHarness({ env: { REELAY_STUDIO_LATENCY_MS: String(3_600_000) } })
    const c = await h.customer(1_000)
    const id = await submitImage(c.auth, 'stuck-1')
    await h.rt.worker.drain()
    expect((await status(c.auth, id)).status).toBe('processing')
    h.clock.advance(10 * 60_000 + 1)
    expect(await h.rt.worker.sweep()).toEqual([id])
    expect(await status(c.auth, id)).toMatchObject({ status: 'failed', chargedCredits: 0, error: { code: 'timeout' } })
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 1_000, reserved: 0, available: 1_000 })
    // Even if the upstream now finishes, nothing is charged.
    h.clock.advance(3_600_000)
    await h.rt.worker.drain()
    expect((await status(c.auth, id)).status).toBe('failed')
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })

  it('fails simulated studio failures with a customer-safe error and releases the hold', async () => {
    h = await createHarness({ env: { REELAY_STUDIO_FAILURE_RATE: '1' } })
    const c = await h.customer(1_000)
    const id = await submitImage(c.auth, 'fail-1')
    await h.rt.worker.drain()
    const job = await status(c.auth, id)
    expect(job).toMatchObject({ status: 'failed', error: { code: 'generation_failed', message: 'The generation failed.' } })
    expect(JSON.stringify(job)).not.toMatch(/studio|simulated/i)
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 1_000, reserved: 0, available: 1_000 })
  })

  it('settles every cancel-versus-complete race with exactly one of capture or release', async () => {
    h = await createHarness()
    const c = await h.customer(100_000, 'pro')
    const outcomes = { succeeded: 0, cancelled: 0 }
    for (let i = 0; i < 24; i++) {
      const id = await submitImage(c.auth, `race-${i}`)
      const running = h.rt.worker.drain()
      // Cancel at a different point of the worker's step each round.
      for (let t = 0; t < i * 3; t++) await new Promise((r) => setImmediate(r))
      const cancel = await h.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel`, headers: c.auth })
      await running
      const final = await status(c.auth, id)
      if (cancel.statusCode === 200) expect(final.status).toBe('cancelled')
      else {
        expect(cancel.statusCode).toBe(409)
        expect(final.status).toBe('succeeded')
      }
      outcomes[final.status as 'succeeded' | 'cancelled']++
      const entries = await h.rt.store.db.selectFrom('ledgerEntries').select('kind').where('jobId', '=', id).execute()
      const kinds = entries.map((e) => e.kind).sort()
      expect(kinds).toEqual(final.status === 'succeeded' ? ['capture', 'hold'] : ['hold', 'release'])
    }
    expect(outcomes.succeeded + outcomes.cancelled).toBe(24)
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })
})
