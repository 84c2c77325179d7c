import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'
import { startReceiver } from '../support/receiver.js'

let h: PeopleHarness
beforeAll(async () => {
  h = await createPeopleHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
})
afterAll(async () => h.close())

describe('happy path', () => {
  it('creates a key shown once, which works on the native API and is charged to the personal balance', async () => {
    const c = await h.signedIn()
    const personal = c.session.accounts[0]!.id
    await h.grant(personal, 1_000)
    const made = await c.call('POST', '/account/v1/keys', { name: 'laptop' })
    expect(made.statusCode).toBe(201)
    const key = made.json()
    expect(key).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'laptop', key: expect.stringMatching(/^sk_live_/), revokedAt: null, lastUsedAt: null, webhook: null })
    const list = (await c.call('GET', '/account/v1/keys')).json().data
    expect(list).toHaveLength(1)
    expect(list[0]).not.toHaveProperty('key')
    expect(list[0].prefix).toBe(key.prefix)

    const job = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { authorization: `Bearer ${key.key}`, 'idempotency-key': 'k1' }, payload: { prompt: 'a lighthouse' } })
    expect(job.statusCode).toBe(202)
    const bal = (await c.call('GET', `/account/v1/accounts/${personal}/balance`)).json()
    expect(bal).toMatchObject({ accountId: personal, balance: 1_000, reserved: job.json().chargedCredits, flagged: false, lowBalanceThreshold: null })
    expect(bal.available).toBe(1_000 - job.json().chargedCredits)
    await h.rt.worker.drain()
  })

  it('renames and revokes; a revoked key is refused at once', async () => {
    const c = await h.signedIn()
    const key = (await c.call('POST', '/account/v1/keys', { name: 'ci' })).json()
    const renamed = await c.call('PATCH', `/account/v1/keys/${key.id}`, { name: 'ci-2' })
    expect(renamed.json().name).toBe('ci-2')
    const revoked = await c.call('DELETE', `/account/v1/keys/${key.id}`)
    expect(revoked.json()).toEqual({ id: key.id, revoked: true })
    const use = await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key.key}` } })
    expect(use.statusCode).toBe(401)
    expect((await c.call('GET', '/account/v1/keys')).json().data[0].revokedAt).toEqual(expect.any(Number))
  })

  it('sets a default webhook URL, rotates its secret and removes it', async () => {
    const r = await startReceiver()
    try {
      const c = await h.signedIn()
      const key = (await c.call('POST', '/account/v1/keys', { name: 'hooks' })).json()
      const set = await c.call('PUT', `/account/v1/keys/${key.id}/webhook`, { url: `${r.url}/hook`, progressEvents: true })
      expect(set.statusCode).toBe(200)
      expect(set.json()).toMatchObject({ url: `${r.url}/hook`, progressEvents: true, secret: expect.stringMatching(/^whsec_/) })
      const rotated = await c.call('PUT', `/account/v1/keys/${key.id}/webhook`, { url: `${r.url}/hook`, rotateSecret: true })
      expect(rotated.json().secret).not.toBe(set.json().secret)
      expect((await c.call('GET', '/account/v1/keys')).json().data[0].webhook).toEqual({ url: `${r.url}/hook`, progressEvents: true })
      const off = await c.call('PUT', `/account/v1/keys/${key.id}/webhook`, { url: null })
      expect(off.json().url).toBeNull()
    } finally {
      await r.close()
    }
  })
})

describe('errors', () => {
  it('an 11th active key is a 409 too_many_keys', async () => {
    const c = await h.signedIn()
    for (let i = 0; i < 10; i++) expect((await c.call('POST', '/account/v1/keys', { name: `k${i}` })).statusCode).toBe(201)
    const over = await c.call('POST', '/account/v1/keys', { name: 'one too many' })
    expect(over.statusCode).toBe(409)
    expect(over.json().error.code).toBe('too_many_keys')
  })

  it('an empty name and a bad webhook URL are 400s naming the field', async () => {
    const c = await h.signedIn()
    expect((await c.call('POST', '/account/v1/keys', { name: ' ' })).json().error).toMatchObject({ code: 'invalid_request', field: 'name' })
    const key = (await c.call('POST', '/account/v1/keys', { name: 'x' })).json()
    expect((await c.call('PUT', `/account/v1/keys/${key.id}/webhook`, { url: 'ftp://nope' })).json().error).toMatchObject({ code: 'invalid_request', field: 'url' })
  })
})

describe('security', () => {
  it("another user's key cannot be seen, renamed, revoked or rewired", async () => {
    const a = await h.signedIn()
    const b = await h.signedIn()
    const key = (await a.call('POST', '/account/v1/keys', { name: 'mine' })).json()
    expect((await b.call('GET', '/account/v1/keys')).json().data).toEqual([])
    expect((await b.call('PATCH', `/account/v1/keys/${key.id}`, { name: 'theirs' })).statusCode).toBe(404)
    expect((await b.call('DELETE', `/account/v1/keys/${key.id}`)).statusCode).toBe(404)
    expect((await b.call('PUT', `/account/v1/keys/${key.id}/webhook`, { url: 'https://example.com/x' })).statusCode).toBe(404)
    expect((await b.call('GET', `/account/v1/accounts/${a.session.accounts[0]!.id}/balance`)).statusCode).toBe(404)
    const still = await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key.key}` } })
    expect(still.statusCode).toBe(200)
  })

  it('creating a key needs the CSRF header', async () => {
    const c = await h.signedIn()
    const res = await h.app.inject({ method: 'POST', url: '/account/v1/keys', headers: { cookie: c.cookie }, payload: { name: 'x' } })
    expect(res.json().error.code).toBe('csrf_failed')
    expect((await c.call('GET', '/account/v1/keys')).json().data).toEqual([])
  })

  it('an API key is not a session', async () => {
    const c = await h.signedIn()
    const key = (await c.call('POST', '/account/v1/keys', { name: 'x' })).json()
    expect((await h.app.inject({ method: 'GET', url: '/account/v1/keys', headers: { authorization: `Bearer ${key.key}` } })).statusCode).toBe(401)
  })
})
