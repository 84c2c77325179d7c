import type Stripe from 'stripe'
import type { Config } from '../config.js'

/**
 * The official client, pointed at `REELAY_STRIPE_API_URL` through its host, port and protocol
 * settings (tests run a local stand-in there). Null when Stripe is not configured.
 * Loaded only then: the package costs about 20 MB of a server that sells no packs.
 */
export async function stripeFromConfig(config: Pick<Config, 'REELAY_STRIPE_SECRET_KEY' | 'REELAY_STRIPE_API_URL'>): Promise<Stripe | null> {
  if (!config.REELAY_STRIPE_SECRET_KEY) return null
  const { default: Stripe } = await import('stripe')
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
