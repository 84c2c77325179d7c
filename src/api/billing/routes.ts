import { z } from 'zod'
import { AppError } from '../../errors.js'
import { authenticate, authOf } from '../plugins/auth.js'
import { defineRoute } from '../route.js'
import { priceList } from '../../billing/price-list.js'
import { quoteSubmit } from './quote.js'
import { registerSessionBillingRoutes } from './session-routes.js'
import { PricingResponse, QuoteResponse, RedeemResponse, WebhookAck } from './schemas.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Billing } from '../../billing/index.js'

// Not a dialect: these routes answer in the native error shape and sit in the combined OpenAPI document.
const D = 'billing'

export const RedeemBody = z.strictObject({ code: z.string().min(1).max(100) })
export const QuoteQuery = z.object({ for: z.string().max(200).optional(), dialect: z.string().max(20).optional() })
const AnyBody = z.record(z.string(), z.unknown())

/** Public and API-key billing routes: prices, quotes, redeem codes, and Stripe's webhook. */
export function registerBillingRoutes(app: FastifyInstance, deps: AppDeps, billing: Billing): void {
  const auth = authenticate(deps)

  defineRoute(app, {
    method: 'GET',
    url: '/v1/pricing',
    dialect: D,
    operationId: 'getPricing',
    responses: { 200: { description: 'The price list', schema: PricingResponse } },
    summary: 'Every model and option in credits and money, plus the packs and plans for sale (public)',
    async handler() {
      return priceList(deps.prices, billing.priceSettings)
    },
  })

  defineRoute(app, {
    method: 'POST',
    url: '/v1/quote',
    dialect: D,
    operationId: 'createQuote',
    summary: 'The exact credits a submit body would hold, with a breakdown; holds nothing',
    query: QuoteQuery,
    body: AnyBody,
    responses: { 200: { description: 'The price and its breakdown', schema: QuoteResponse }, 400: 'invalid_request naming the body field and rule' },
    preHandler: auth,
    async handler({ query, body, req }) {
      return quoteSubmit(deps, authOf(req), query, body)
    },
  })

  defineRoute(app, {
    method: 'POST',
    url: '/v1/credits/redeem',
    dialect: D,
    operationId: 'redeemCode',
    summary: 'Redeem a code: its credits are added to the balance, once',
    body: RedeemBody,
    responses: { 200: { description: 'Credited', schema: RedeemResponse }, 400: 'not a valid code', 409: 'code_not_redeemable: used, expired, or one per account' },
    preHandler: auth,
    async handler({ body, req }) {
      const r = await billing.redeem.redeem(authOf(req).accountId, body.code)
      return { credited: r.credited, balance: r.balance }
    },
  })

  void app.register(async (scope) => registerSessionBillingRoutes(scope, deps, billing))

  // Stripe signs the raw bytes: this scope keeps the body as a Buffer instead of parsing it.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
    defineRoute(scope, {
      method: 'POST',
      url: '/billing/stripe/webhook',
      dialect: D,
      operationId: 'receiveStripeEvent',
      summary: "Stripe's events (signature-verified): grants for paid packs and invoices, refunds, disputes, plan changes",
      consumes: ['application/json'],
      responses: {
        200: { description: 'Applied (or applied before)', schema: WebhookAck },
        400: 'bad or missing Stripe-Signature: nothing applied',
        404: 'Stripe is not configured on this server',
        503: 'the event names a payment not recorded yet (Stripe resends it)',
      },
      async handler({ req }) {
        // Not configured: as far as anyone can tell, there is no such endpoint here.
        if (!billing.events) throw new AppError('not_found', 'No Stripe webhook on this server: REELAY_STRIPE_SECRET_KEY and REELAY_STRIPE_WEBHOOK_SECRET are not set.')
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
        const sig = req.headers['stripe-signature']
        const event = billing.events.verify(raw, typeof sig === 'string' ? sig : undefined)
        const r = await billing.events.handle(event)
        req.log.info({ stripeEvent: event.id, type: event.type, outcome: r.outcome, duplicate: r.duplicate }, 'stripe event')
        return { received: true, duplicate: r.duplicate }
      },
    })
  })
}
