import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'

let h: Harness

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h.close()
})

const submit = (auth: Record<string, string>, key: string, payload: object) =>
  h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': key }, payload })

async function holdsOf(accountId: string) {
  return h.rt.store.db.selectFrom('ledgerEntries').selectAll().where('accountId', '=', accountId).where('kind', '=', 'hold').execute()
}

describe('idempotency', () => {
  it('replays the original job for the same key and body, with no second hold', async () => {
    const c = await h.customer()
    const first = (await submit(c.auth, 'order-1', { prompt: 'a red bicycle', quality: 'LOW' })).json()
    // Key order does not change the fingerprint.
    const again = await submit(c.auth, 'order-1', { quality: 'LOW', prompt: 'a red bicycle' })
    expect(again.statusCode).toBe(202)
    expect(again.json()).toMatchObject({ jobId: first.jobId, idempotentReplay: true, chargedCredits: first.chargedCredits })
    expect(await holdsOf(c.account.id)).toHaveLength(1)
  })

  it('answers 409 idempotency_conflict for the same key with a different body, changing nothing', async () => {
    const c = await h.customer(1_000)
    await submit(c.auth, 'order-2', { prompt: 'a red bicycle' })
    const res = await submit(c.auth, 'order-2', { prompt: 'a blue bicycle' })
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('idempotency_conflict')
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ reserved: 20, available: 980 })
  })

  it('scopes keys per account: the same key in two accounts makes two jobs', async () => {
    const a = await h.customer()
    const b = await h.customer()
    const ja = (await submit(a.auth, 'shared-key', { prompt: 'same words' })).json()
    const jb = (await submit(b.auth, 'shared-key', { prompt: 'same words' })).json()
    expect(ja.jobId).not.toBe(jb.jobId)
    expect(jb.idempotentReplay).toBe(false)
  })

  it('records nothing for a rejected request, so a corrected retry with the same key works', async () => {
    const c = await h.customer()
    expect((await submit(c.auth, 'fix-me', { prompt: 'no' })).statusCode).toBe(400)
    const ok = await submit(c.auth, 'fix-me', { prompt: 'now long enough' })
    expect(ok.statusCode).toBe(202)
    expect(ok.json().idempotentReplay).toBe(false)
  })

  it('turns 100 parallel identical submits into 1 job and 1 hold; the rest replay or see 409 while in flight', async () => {
    const c = await h.customer(10_000, 'pro')
    const results = await Promise.all(Array.from({ length: 100 }, () => submit(c.auth, 'burst', { prompt: 'one of a hundred' })))
    const created = results.filter((r) => r.statusCode === 202 && r.json().idempotentReplay === false)
    const replays = results.filter((r) => r.statusCode === 202 && r.json().idempotentReplay === true)
    const inFlight = results.filter((r) => r.statusCode === 409)
    expect(created).toHaveLength(1)
    expect(replays.length + inFlight.length).toBe(99)
    for (const r of replays) expect(r.json().jobId).toBe(created[0]!.json().jobId)
    for (const r of inFlight) expect(r.json().error.code).toBe('idempotency_conflict')
    // It says when to retry, so clients (the SDK) retry it and get the replay.
    for (const r of inFlight) expect(r.headers['retry-after']).toBe('1')
    const jobs = await h.rt.store.db.selectFrom('jobs').select('id').where('accountId', '=', c.account.id).execute()
    expect(jobs).toHaveLength(1)
    expect(await holdsOf(c.account.id)).toHaveLength(1)
    // After the first commit, a retry is a clean replay.
    expect((await submit(c.auth, 'burst', { prompt: 'one of a hundred' })).json()).toMatchObject({ idempotentReplay: true, jobId: created[0]!.json().jobId })
  })

  it('forgets keys after their 24 h window, never the job', async () => {
    const c = await h.customer()
    const first = (await submit(c.auth, 'old-key', { prompt: 'yesterday' })).json()
    await h.rt.worker.drain()
    h.clock.advance(24 * 3_600_000 + 1_000)
    expect(await h.rt.jobs.sweepIdempotencyKeys()).toBeGreaterThan(0)
    const again = (await submit(c.auth, 'old-key', { prompt: 'yesterday' })).json()
    expect(again.idempotentReplay).toBe(false)
    expect(again.jobId).not.toBe(first.jobId)
    expect((await h.app.inject({ method: 'GET', url: `/v1/jobs/${first.jobId}`, headers: c.auth })).statusCode).toBe(200)
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })
})
