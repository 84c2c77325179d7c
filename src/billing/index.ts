import { createRedeem } from './redeem.js'
import { createCheckout } from './checkout.js'
import { createStripeEvents } from './stripe-events.js'
import { stripeFromConfig } from './stripe-client.js'
import type { Config } from '../config.js'
import type { Clock } from '../domain/clock.js'
import type { PriceBook } from '../catalog/prices.js'
import type { Store } from '../store/db.js'

export interface BillingDeps {
  store: Store
  clock: Clock
  config: Config
  prices: PriceBook
}

/** Credits per unit of the operator's currency: set, or the inverse of the USD credit price. */
export function creditsPerUnit(config: Pick<Config, 'REELAY_CREDITS_PER_UNIT' | 'REELAY_CREDIT_USD'>): number {
  return config.REELAY_CREDITS_PER_UNIT ?? Math.round((1 / config.REELAY_CREDIT_USD) * 1e6) / 1e6
}

/** Redeem codes, Stripe Checkout and Stripe's events, from one config. */
export async function createBilling(deps: BillingDeps) {
  const { config } = deps
  const stripe = await stripeFromConfig(config)
  const redeem = createRedeem(deps.store, deps.clock, { maxBalance: config.REELAY_MAX_BALANCE })
  const checkout = createCheckout({
    store: deps.store,
    clock: deps.clock,
    prices: deps.prices,
    stripe,
    currency: config.REELAY_CURRENCY,
    returnUrl: config.REELAY_CHECKOUT_RETURN_URL ?? `${config.publicUrl}/wallet?checkout={result}`,
  })
  const events =
    stripe && config.REELAY_STRIPE_WEBHOOK_SECRET
      ? createStripeEvents({
          store: deps.store,
          clock: deps.clock,
          prices: deps.prices,
          stripe,
          webhookSecret: config.REELAY_STRIPE_WEBHOOK_SECRET,
          defaultPlan: config.REELAY_DEFAULT_PLAN,
          maxBalance: config.REELAY_MAX_BALANCE,
        })
      : null
  return { redeem, checkout, events, priceSettings: { currency: config.REELAY_CURRENCY, creditsPerUnit: creditsPerUnit(config) } }
}

export type Billing = Awaited<ReturnType<typeof createBilling>>
