import { z } from 'zod'

/** Billing answers, as documented in the OpenAPI document (docs/api/billing.md). */

export const MoneySchema = z.object({ amount: z.number().describe('In the main unit (dollars, euros)'), currency: z.string().describe('ISO 4217') })

const VideoPrices = z.object({
  id: z.string(),
  name: z.string(),
  type: z.literal('video'),
  unit: z.literal('second'),
  perSecond: z.array(z.object({ resolution: z.string(), creditsPerSecond: z.number(), price: MoneySchema })),
  jobs: z.array(z.object({ resolution: z.string(), durationSec: z.number().int(), credits: z.number().int(), price: MoneySchema })).describe('Whole jobs as a submit holds them'),
  upscale: z.array(z.object({ upscale: z.string(), creditsPerSecond: z.number(), price: MoneySchema })),
  videoReferenceMultiplier: z.number(),
  autoDuration: z.object({ holdsSeconds: z.number().int() }).nullable(),
})
const ImagePrices = z.object({
  id: z.string(),
  name: z.string(),
  type: z.literal('image'),
  unit: z.literal('image'),
  images: z.array(z.object({ tier: z.string(), quality: z.string(), resolution: z.string(), credits: z.number().int(), price: MoneySchema })),
})

export const PricingResponse = z.object({
  currency: z.string(),
  creditsPerUnit: z.number().describe('Credits one unit of the currency buys'),
  models: z.array(z.union([VideoPrices, ImagePrices])),
  packs: z.array(z.object({ id: z.string(), name: z.string(), credits: z.number().int(), price: MoneySchema })),
  plans: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      monthlyCredits: z.number().int(),
      price: MoneySchema.nullable().describe('Per month; null: not sold'),
      limits: z.object({ requestsPerMinute: z.number().int(), activeJobs: z.number().int(), monthlyCreditQuota: z.number().int().nullable() }),
    }),
  ),
})

export const QuoteResponse = z.object({
  credits: z.number().int().describe('What the submit would hold'),
  breakdown: z.array(z.object({ item: z.string(), detail: z.string(), credits: z.number().int() })).describe('Lines sum to `credits`'),
  available: z.number().int(),
  model: z.string(),
  dialect: z.string(),
  for: z.string(),
})

export const RedeemResponse = z.object({ credited: z.number().int(), balance: z.number().int() })
export const CheckoutResponse = z.object({ url: z.string().describe('The Stripe Checkout page') })
export const LowBalanceResponse = z.object({ accountId: z.string(), lowBalanceThreshold: z.number().int().nullable() })
export const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean().describe('The event was applied before') })
export const RedeemBatchResponse = z.object({
  id: z.string(),
  credits: z.number().int(),
  count: z.number().int(),
  expiresAt: z.number().int().nullable(),
  onePerAccount: z.boolean(),
  codes: z.array(z.string()).describe('Shown this once; only their hashes are stored'),
  csv: z.string().describe('The same codes as CSV'),
})
export const CsvText = z.string().describe('text/csv')
