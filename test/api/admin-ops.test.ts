import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'

let h: PeopleHarness
beforeAll(async () => {
  h = await createPeopleHarness({ env: { REELAY_SECRET_KEY: Buffer.alloc(32, 7).toString('hex'), REELAY_METRICS: 'on', REELAY_METRICS_TOKEN: 'a-very-secret-metrics-token' } })
})
afterAll(async () => h.close())

describe('setup', () => {
  it('on an empty database the one-time token makes the first operator; then setup is closed', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/account/v1/setup' })).json()).toEqual({ needsSetup: true, signupMode: 'open' })
    const token = (await h.rt.people.setup.issueToken())!
    const bad = await h.app.inject({ method: 'POST', url: '/account/v1/setup', payload: { token: 'rlx_' + 'x'.repeat(43), email: 'op@example.com', password: 'operator password' } })
    expect(bad.statusCode).toBe(403)
    const ok = await h.app.inject({ method: 'POST', url: '/account/v1/setup', payload: { token, email: 'op@example.com', password: 'operator password', name: 'Op' } })
    expect(ok.statusCode).toBe(201)
    expect(ok.json().user).toMatchObject({ email: 'op@example.com', role: 'admin' })
    expect((await h.app.inject({ method: 'GET', url: '/account/v1/setup' })).json().needsSetup).toBe(false)
    const again = await h.app.inject({ method: 'POST', url: '/account/v1/setup', payload: { token, email: 'op2@example.com', password: 'operator password' } })
    expect(again.statusCode).toBe(403)
    expect(await h.rt.people.setup.issueToken()).toBeNull()
  })
})

describe('operations', () => {
  it('shows jobs across tenants with channel and upstream detail, channels, prices, doctor and a config without secrets', async () => {
    const admin = await h.signIn('op@example.com', 'operator password')
    const c = await h.signedIn()
    await h.grant(c.session.accounts[0]!.id, 1_000)
    const job = (await c.call('POST', '/account/v1/jobs', { accountId: c.session.accounts[0]!.id, kind: 'image', request: { prompt: 'ops view' } }, { 'idempotency-key': 'o1' })).json()
    await h.rt.worker.drain()
    const jobs = (await admin.call('GET', `/admin/v1/jobs?accountId=${c.session.accounts[0]!.id}`)).json()
    expect(jobs.data[0]).toMatchObject({ id: job.id, status: 'succeeded', channel: 'studio', provider: 'studio', upstreamError: null })
    expect((await admin.call('GET', '/admin/v1/jobs?status=failed')).json().data).toEqual([])

    const channels = (await admin.call('GET', '/admin/v1/channels')).json()
    expect(channels).toEqual([{ name: 'studio', provider: 'studio', region: null, capacity: null, healthy: true, breaker: 'closed', inFlight: 0 }])
    expect((await admin.call('POST', '/admin/v1/channels/studio/test')).json()).toEqual({ ok: true, latencyMs: 0 })
    expect((await admin.call('POST', '/admin/v1/channels/nope/test')).statusCode).toBe(404)

    const prices = (await admin.call('GET', '/admin/v1/prices')).json()
    expect(Object.keys(prices.plans)).toContain('default')
    expect((await admin.call('GET', '/admin/v1/doctor')).json()).toEqual({ ok: true, problems: [] })

    const system = (await admin.call('GET', '/admin/v1/system')).json()
    expect(system).toMatchObject({ version: expect.any(String), database: expect.stringMatching(/^(sqlite|postgres)$/) })
    expect(system.config.REELAY_SECRET_KEY).toBe('[set]')
    expect(system.config.REELAY_METRICS_TOKEN).toBe('[set]')
    expect(JSON.stringify(system)).not.toContain('a-very-secret-metrics-token')
    expect(JSON.stringify(system)).not.toContain(Buffer.alloc(32, 7).toString('hex'))
    if (system.config.DATABASE_URL) expect(system.config.DATABASE_URL).not.toMatch(/\/\/[^[]*@/)
  })

  it('a customer cannot see jobs of others through /admin/v1', async () => {
    const c = await h.signedIn()
    expect((await c.call('GET', '/admin/v1/jobs')).statusCode).toBe(403)
    expect((await c.call('POST', '/admin/v1/channels/studio/test')).statusCode).toBe(403)
  })
})
