import { AppError } from '../errors.js'
import { billingState, updateBillingAccount } from './account-state.js'
import type Stripe from 'stripe'
import type { Clock } from '../domain/clock.js'
import type { PriceBook } from '../catalog/prices.js'
import type { Store } from '../store/db.js'

export interface CheckoutDeps {
  store: Store
  clock: Clock
  prices: PriceBook
  stripe: Stripe | null
  currency: string
  /** `{result}` becomes `success` or `cancel`. */
  returnUrl: string
}

/**
 * Stripe Checkout sessions for packs and plans. Credits never come from here (the customer's
 * browser coming back proves nothing): only the signed webhook grants them.
 */
export function createCheckout(deps: CheckoutDeps) {
  const { db } = deps.store

  function client(): Stripe {
    if (!deps.stripe) throw new AppError('service_unavailable', 'Card payments are not set up on this server; redeem a code or ask the operator for credits.')
    return deps.stripe
  }

  const back = (result: 'success' | 'cancel') => deps.returnUrl.replace('{result}', result)

  /** The account's Stripe customer, created on first checkout so every payment and subscription lands on one. */
  async function customerOf(accountId: string): Promise<string> {
    const state = await billingState(db, accountId)
    if (state.stripeCustomer) return state.stripeCustomer
    const account = await db.selectFrom('accounts').select(['id', 'name']).where('id', '=', accountId).executeTakeFirstOrThrow()
    const customer = await client().customers.create({ name: account.name, metadata: { accountId } }, { idempotencyKey: `reelay-customer-${accountId}` })
    await updateBillingAccount(db, accountId, { stripeCustomer: customer.id }, deps.clock.now())
    return customer.id
  }

  return {
    async pack(accountId: string, packId: string): Promise<{ url: string; sessionId: string }> {
      const pack = deps.prices.packs[packId]
      if (!pack) throw new AppError('invalid_request', `\`packId\` must be one of ${Object.keys(deps.prices.packs).join(', ') || '(no packs are for sale)'}`, { field: 'packId' })
      const stripe = client()
      const customer = await customerOf(accountId)
      const metadata = { accountId, packId, credits: String(pack.credits) }
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer,
        client_reference_id: accountId,
        line_items: [
          { quantity: 1, price_data: { currency: (pack.currency ?? deps.currency).toLowerCase(), unit_amount: pack.price, product_data: { name: `${pack.name}: ${pack.credits} credits` } } },
        ],
        metadata,
        payment_intent_data: { metadata },
        success_url: back('success'),
        cancel_url: back('cancel'),
      })
      if (!session.url) throw new AppError('service_unavailable', 'The payment provider did not return a checkout page; retry shortly.')
      return { url: session.url, sessionId: session.id }
    },

    async plan(accountId: string, planId: string): Promise<{ url: string; sessionId: string }> {
      const plan = deps.prices.plans[planId]
      if (!plan || plan.price === null) {
        const sold = Object.entries(deps.prices.plans)
          .filter(([, p]) => p.price !== null)
          .map(([id]) => id)
        throw new AppError('invalid_request', `\`planId\` must be one of ${sold.join(', ') || '(no plans are for sale)'}`, { field: 'planId' })
      }
      const stripe = client()
      const customer = await customerOf(accountId)
      const metadata = { accountId, planId }
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer,
        client_reference_id: accountId,
        line_items: [{ quantity: 1, price_data: { currency: deps.currency.toLowerCase(), unit_amount: plan.price, recurring: { interval: 'month' }, product_data: { name: `${plan.name} plan` } } }],
        metadata,
        subscription_data: { metadata },
        success_url: back('success'),
        cancel_url: back('cancel'),
      })
      if (!session.url) throw new AppError('service_unavailable', 'The payment provider did not return a checkout page; retry shortly.')
      return { url: session.url, sessionId: session.id }
    },
  }
}

export type Checkout = ReturnType<typeof createCheckout>
