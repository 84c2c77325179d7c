import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'
import { startFakeStripe, type FakeStripe } from '../support/fakes/stripe.js'
import { startReceiver } from '../support/receiver.js'

const SECRET_KEY = 'sk_test_reelay_fake_0123456789'
const WEBHOOK_SECRET = 'whsec_reelay_account_test'
const signer = new Stripe(SECRET_KEY)

let h: PeopleHarness
let fake: FakeStripe
let receiver: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  fake = await startFakeStripe(SECRET_KEY)
  receiver = await startReceiver()
  h = await createPeopleHarness({ env: { REELAY_STRIPE_SECRET_KEY: SECRET_KEY, REELAY_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, REELAY_STRIPE_API_URL: fake.url, REELAY_ALLOW_PRIVATE_URLS: '1' } })
})
afterAll(async () => {
  await h?.close()
  await fake?.close()
  await receiver?.close()
})

function deliver(event: Record<string, unknown>) {
  const payload = JSON.stringify(event)
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(h.clock.now() / 1000) })
  return h.app.inject({ method: 'POST', url: '/billing/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': header }, payload })
}

async function operatorCodes(credits: number, count: number) {
  const op = await h.signedIn({ role: 'admin' })
  const r = await op.call('POST', '/admin/v1/redeem-batches', { credits, count })
  expect(r.statusCode).toBe(201)
  return r.json() as { id: string; codes: string[]; csv: string }
}

describe('billing from the dashboard (session)', () => {
  it('an operator makes a batch over /admin/v1 (codes once, CSV of who redeemed), a customer redeems onto their account', async () => {
    const batch = await operatorCodes(300, 2)
    expect(batch.codes).toHaveLength(2)
    expect(batch.csv.split('\n')[1]).toContain(batch.codes[0])
    const me = await h.signedIn()
    const personal = me.session.accounts[0]!.id
    const r = await me.call('POST', '/account/v1/redeem', { accountId: personal, code: batch.codes[0] })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ credited: 300, balance: 300 })
    const op = await h.signedIn({ role: 'admin' })
    const csv = await op.call('GET', `/admin/v1/redeem-batches/${batch.id}.csv`)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.body).toContain(`,redeemed,${personal},`)
    expect(csv.body).not.toContain(batch.codes[0]!.slice(9))
  })

  it('refuses a customer on /admin/v1, another user’s account, and a change without the CSRF header', async () => {
    const me = await h.signedIn()
    const other = await h.signedIn()
    expect((await me.call('POST', '/admin/v1/redeem-batches', { credits: 5, count: 1 })).statusCode).toBe(403)
    const theirs = await me.call('POST', '/account/v1/redeem', { accountId: other.session.accounts[0]!.id, code: 'RLY-AAAA-AAAA-AAAA-AAAA' })
    expect(theirs.statusCode).toBe(404)
    const noCsrf = await h.app.inject({ method: 'POST', url: '/account/v1/redeem', headers: { cookie: me.cookie }, payload: { accountId: me.session.accounts[0]!.id, code: 'x' } })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.json().error.code).toBe('csrf_failed')
    expect((await h.app.inject({ method: 'POST', url: '/account/v1/checkout', payload: { accountId: 'acct_x', packId: 'starter' } })).statusCode).toBe(401)
  })

  it('checkout answers a Stripe URL; the balance shows the pack only after the signed webhook', async () => {
    const me = await h.signedIn()
    const accountId = me.session.accounts[0]!.id
    const r = await me.call('POST', '/account/v1/checkout', { accountId, packId: 'starter' })
    expect(r.statusCode).toBe(200)
    const { url } = r.json() as { url: string }
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    const balance = () => me.call('GET', `/account/v1/accounts/${accountId}/balance`)
    expect((await balance()).json()).toMatchObject({ balance: 0, flagged: false })
    const session = [...fake.sessions.values()].find((s) => (s.metadata as Record<string, string>).accountId === accountId)!
    await deliver(fake.event('checkout.session.completed', fake.complete(String(session.id))))
    expect((await balance()).json()).toMatchObject({ balance: 2000, available: 2000, flagged: false })
    const q = await me.call('POST', '/account/v1/quote', { accountId, for: '/v1/images/generate', request: { prompt: 'a red fox', quality: 'high' } })
    expect(q.json()).toMatchObject({ credits: 80, available: 2000 })
  })

  it('sends balance.low once per crossing through the key’s default webhook', async () => {
    const me = await h.signedIn()
    const accountId = me.session.accounts[0]!.id
    const batch = await operatorCodes(100, 2)
    await me.call('POST', '/account/v1/redeem', { accountId, code: batch.codes[0] })
    const key = (await me.call('POST', '/account/v1/keys', { name: 'ci' })).json() as { id: string; key: string }
    expect((await me.call('PUT', `/account/v1/keys/${key.id}/webhook`, { url: `${receiver.url}/hooks` })).statusCode).toBe(200)
    const set = await me.call('PUT', `/account/v1/accounts/${accountId}/low-balance`, { threshold: 50 })
    expect(set.json()).toEqual({ accountId, lowBalanceThreshold: 50 })
    expect((await me.call('GET', `/account/v1/accounts/${accountId}/balance`)).json()).toMatchObject({ lowBalanceThreshold: 50 })

    const submit = (p: string) => h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { authorization: `Bearer ${key.key}`, 'idempotency-key': p }, payload: { prompt: p } })
    const lows = () =>
      receiver.received.filter((r) => r.body.includes('"balance.low"')).map((r) => JSON.parse(r.body) as { type: string; data: { accountId: string; available: number; threshold: number } })
    expect((await submit('first of four')).statusCode).toBe(202) // 80 left
    expect((await submit('second of four')).statusCode).toBe(202) // 60 left
    await h.rt.dispatcher.drain()
    expect(lows()).toEqual([])
    expect((await submit('third of four')).statusCode).toBe(202) // 40: crosses
    await h.rt.worker.drain() // the default plan runs three jobs at once
    expect((await submit('fourth of four')).statusCode).toBe(202) // 20: still below, no second notice
    await h.rt.worker.drain()
    await h.rt.dispatcher.drain()
    expect(lows()).toEqual([{ type: 'balance.low', timestamp: expect.any(String), data: expect.objectContaining({ accountId, available: 40, threshold: 50 }) }])
    // Topped up above the threshold, then down again: a new crossing, a new notice.
    await me.call('POST', '/account/v1/redeem', { accountId, code: batch.codes[1] })
    for (const p of ['fifth', 'sixth', 'seventh', 'eighth']) {
      expect((await submit(p)).statusCode).toBe(202)
      await h.rt.worker.drain()
    }
    await h.rt.worker.drain()
    await h.rt.dispatcher.drain()
    expect(lows().map((l) => l.data.available)).toEqual([40, 40])
  })
})
