import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startFakeStripe, type FakeStripe } from '../support/fakes/stripe.js'
import { createBilling, type Billing } from '../../src/billing/index.js'
import { billingState, settleAccount } from '../../src/billing/account-state.js'

const SECRET_KEY = 'sk_test_reelay_fake_0123456789'
const WEBHOOK_SECRET = 'whsec_reelay_test_secret'
const signer = new Stripe(SECRET_KEY)

let h: Harness
let fake: FakeStripe
let billing: Billing

beforeAll(async () => {
  fake = await startFakeStripe(SECRET_KEY)
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'prices-')), 'prices.json')
  writeFileSync(file, JSON.stringify({ packs: { tiny: { name: 'Tiny', credits: 100, price: 100 } } }))
  h = await createHarness({
    env: { REELAY_PRICES_FILE: file, REELAY_STRIPE_SECRET_KEY: SECRET_KEY, REELAY_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, REELAY_STRIPE_API_URL: fake.url, REELAY_PUBLIC_URL: 'https://reelay.example' },
  })
  billing = await createBilling(h.rt.appDeps)
})
afterAll(async () => {
  await h?.close()
  await fake?.close()
})

/** Signs `event` as Stripe would (the package's own test helper) and POSTs it to the real endpoint. */
function deliver(event: Record<string, unknown>, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event)
  const header = signer.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(h.clock.now() / 1000) })
  return h.app.inject({ method: 'POST', url: '/billing/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': header }, payload })
}

const balanceOf = async (accountId: string) => await h.rt.store.db.selectFrom('accounts').select(['balance', 'plan']).where('id', '=', accountId).executeTakeFirstOrThrow()
const image = (auth: Record<string, string>, prompt: string) => h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': prompt }, payload: { prompt } })

async function buyTiny(accountId: string) {
  const { sessionId, url } = await billing.checkout.pack(accountId, 'tiny')
  return { sessionId, url, completed: fake.event('checkout.session.completed', fake.complete(sessionId)) }
}

describe('packs through Stripe Checkout', () => {
  it('grants the pack once on the signed checkout.session.completed, never before, however often Stripe resends it', async () => {
    const c = await h.customer(0)
    const { sessionId, url, completed } = await buyTiny(c.account.id)
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    const created = fake.requests.find((r) => r.path === '/v1/checkout/sessions' && (r.body.metadata as Record<string, string>).accountId === c.account.id)!
    expect(created.body).toMatchObject({ mode: 'payment', success_url: 'https://reelay.example/wallet?checkout=success', line_items: [{ price_data: { unit_amount: '100', currency: 'usd' } }] })
    // The browser came back, but no signed event yet: nothing is credited.
    expect((await balanceOf(c.account.id)).balance).toBe(0)

    const first = await deliver(completed)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({ received: true, duplicate: false })
    expect((await balanceOf(c.account.id)).balance).toBe(100)
    const again = await deliver(completed)
    expect(again.json()).toEqual({ received: true, duplicate: true })
    // A different event for the same session (async payment success) does not grant twice either.
    await deliver(fake.event('checkout.session.async_payment_succeeded', fake.complete(sessionId)))
    expect((await balanceOf(c.account.id)).balance).toBe(100)
    const entries = await h.rt.store.db.selectFrom('ledgerEntries').select(['kind', 'amount', 'note']).where('accountId', '=', c.account.id).execute()
    expect(entries).toEqual([{ kind: 'grant', amount: 100, note: `stripe:checkout:${sessionId}` }])
  })

  it('answers 400 and grants nothing for a bad, foreign or missing signature', async () => {
    const c = await h.customer(0)
    const { completed } = await buyTiny(c.account.id)
    const forged = await deliver(completed, 'whsec_someone_else')
    expect(forged.statusCode).toBe(400)
    expect(forged.json().error).toMatchObject({ code: 'invalid_request', field: 'Stripe-Signature' })
    const missing = await h.app.inject({ method: 'POST', url: '/billing/stripe/webhook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(completed) })
    expect(missing.statusCode).toBe(400)
    // A body changed after signing.
    const payload = JSON.stringify(completed)
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(h.clock.now() / 1000) })
    const tampered = await h.app.inject({
      method: 'POST',
      url: '/billing/stripe/webhook',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      payload: payload.replace('"100"', '"100000"'),
    })
    expect(tampered.statusCode).toBe(400)
    expect((await balanceOf(c.account.id)).balance).toBe(0)
  })

  it('takes back refunded credits already spent: the balance goes negative by the refund only, and submits answer 402 until settled', async () => {
    const c = await h.customer(0)
    const { sessionId, completed } = await buyTiny(c.account.id)
    await deliver(completed)
    for (const p of ['spend one', 'spend two', 'spend three']) expect((await image(c.auth, p)).statusCode).toBe(202)
    await h.rt.worker.drain()
    expect((await balanceOf(c.account.id)).balance).toBe(40)

    const half = fake.event('charge.refunded', fake.refund(sessionId, 50))
    expect((await deliver(half)).statusCode).toBe(200)
    expect((await balanceOf(c.account.id)).balance).toBe(-10)
    await deliver(half)
    expect((await balanceOf(c.account.id)).balance).toBe(-10)
    // The rest refunded later: the charge reports the cumulative amount, so only the rest is taken.
    await deliver(fake.event('charge.refunded', fake.refund(sessionId, 100)))
    expect((await balanceOf(c.account.id)).balance).toBe(-60)
    expect((await billingState(h.rt.store.db, c.account.id)).flagged).toBe(true)

    const refused = await image(c.auth, 'while flagged')
    expect(refused.statusCode).toBe(402)
    expect(refused.json().error).toMatchObject({ code: 'insufficient_credits', message: expect.stringContaining('refund') })
    // Paid back (here by the operator): the flag lifts with the balance.
    await h.rt.accounts.grant(c.account.name, 80, 'settled refund')
    expect((await billingState(h.rt.store.db, c.account.id)).flagged).toBe(false)
    expect((await image(c.auth, 'after settling')).statusCode).toBe(202)
    await h.rt.worker.drain()
  })

  it('a dispute takes the credits back and pauses submits even with credits left, until the operator settles it', async () => {
    const c = await h.customer(500)
    const { sessionId, completed } = await buyTiny(c.account.id)
    await deliver(completed)
    await deliver(fake.event('charge.dispute.created', fake.dispute(sessionId, 100)))
    expect((await balanceOf(c.account.id)).balance).toBe(500)
    expect((await image(c.auth, 'disputed')).statusCode).toBe(402)
    await settleAccount(h.rt.store.db, c.account.id, h.clock.now())
    expect((await image(c.auth, 'settled dispute')).statusCode).toBe(202)
    await h.rt.worker.drain()
  })

  it('a refund that arrives before its checkout event is refused for Stripe to resend, and applies once the payment is known', async () => {
    const c = await h.customer(0)
    const { sessionId, completed } = await buyTiny(c.account.id)
    const refund = fake.event('charge.refunded', fake.refund(sessionId, 100))
    const early = await deliver(refund)
    expect(early.statusCode).toBe(503)
    expect((await balanceOf(c.account.id)).balance).toBe(0)
    await deliver(completed)
    expect((await deliver(refund)).json()).toEqual({ received: true, duplicate: false })
    expect((await balanceOf(c.account.id)).balance).toBe(0)
  })
})

describe('subscriptions through Stripe Billing', () => {
  it('invoice.paid grants the month and sets the plan once per invoice; cancellation returns to the default plan', async () => {
    const c = await h.customer(0)
    const { sessionId } = await billing.checkout.plan(c.account.id, 'pro')
    const done = fake.complete(sessionId)
    const subId = String(done.subscription)
    // The invoice before the checkout event: the subscription's metadata is enough.
    const invoice = fake.event('invoice.paid', fake.invoice(subId))
    expect((await deliver(invoice)).statusCode).toBe(200)
    await deliver(fake.event('checkout.session.completed', done))
    await deliver(invoice)
    expect(await balanceOf(c.account.id)).toEqual({ balance: 20_000, plan: 'pro' })
    h.clock.advance(5_000) // past the key cache, so the request sees the new plan
    const usage = await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })
    expect(usage.json()).toMatchObject({ plan: { id: 'pro' }, limits: { requestsPerMinute: 600, maxActiveJobs: 20 } })

    await deliver(fake.event('invoice.paid', fake.invoice(subId)))
    expect((await balanceOf(c.account.id)).balance).toBe(40_000)
    await deliver(fake.event('customer.subscription.deleted', fake.cancel(subId)))
    expect((await balanceOf(c.account.id)).plan).toBe('default')
    // A late invoice of the ended subscription keeps its credits but not the plan.
    await deliver(fake.event('invoice.paid', fake.invoice(subId)))
    expect(await balanceOf(c.account.id)).toEqual({ balance: 60_000, plan: 'default' })
  })

  it('refuses a plan that is not for sale, naming planId', async () => {
    const c = await h.customer(0)
    await expect(billing.checkout.plan(c.account.id, 'default')).rejects.toMatchObject({ code: 'invalid_request', field: 'planId' })
  })
})
