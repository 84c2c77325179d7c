import Stripe from 'stripe'
import type { Config } from '../config.js'

/**
 * The official client, pointed at `REELAY_STRIPE_API_URL` through its host, port and protocol
 * settings (tests run a local stand-in there). Null when Stripe is not configured.
 */
export function stripeFromConfig(config: Pick<Config, 'REELAY_STRIPE_SECRET_KEY' | 'REELAY_STRIPE_API_URL'>): Stripe | null {
  if (!config.REELAY_STRIPE_SECRET_KEY) return null
  const u = new URL(config.REELAY_STRIPE_API_URL)
  const protocol = u.protocol === 'http:' ? 'http' : 'https'
  return new Stripe(config.REELAY_STRIPE_SECRET_KEY, {
    host: u.hostname,
    port: u.port || (protocol === 'http' ? 80 : 443),
    protocol,
    // The client retries idempotently (it sends an Idempotency-Key); one retry covers a blip.
    maxNetworkRetries: 1,
    timeout: 20_000,
    appInfo: { name: 'Reelay' },
  })
}
