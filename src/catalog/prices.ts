import { z } from 'zod'
import { ConfigError, readJsonFile } from '../config.js'
import { MODELS } from './models.js'

const multipliers = z.record(z.string(), z.number().nonnegative())

/** Operator-editable prices and plans. Every number is credits unless it says otherwise. */
export const priceBookSchema = z.object({
  video: z.object({
    /** Credits per second of output at 720p, per model. */
    perSecond: z.record(z.string(), z.number().nonnegative()),
    resolutionMultiplier: multipliers,
    /** Credits per second added for upscaling to 2k or 4k. */
    upscalePerSecond: multipliers,
    /** Applied to the base cost when reference videos are given. */
    videoReferenceMultiplier: z.number().nonnegative(),
  }),
  image: z.object({
    /** Credits for one LOW-quality 1K image, per model. */
    base: z.record(z.string(), z.number().nonnegative()),
    qualityMultiplier: multipliers,
    resolutionMultiplier: multipliers,
    /** Per rendering tier (GPT Image 2 `economy` is the lower-cost one); 1 when absent. */
    tierMultiplier: multipliers,
  }),
  /** Credits added per job for the prompt pipeline (held at submit, released when it did not apply). */
  prompt: z.object({ translate: z.number().int().nonnegative(), enhance: z.number().int().nonnegative() }).default({ translate: 0, enhance: 0 }),
  plans: z.record(
    z.string(),
    z.object({
      name: z.string(),
      requestsPerMinute: z.number().int().positive(),
      maxActiveJobs: z.number().int().positive(),
      /** Credits an account may spend per calendar month (UTC); null for no quota. */
      monthlyCreditQuota: z.number().int().positive().nullable(),
      /** Credits granted each paid month of a subscription to this plan. */
      monthlyCredits: z.number().int().nonnegative().default(0),
      /** Monthly price in the currency's minor unit (cents); null: not sold as a subscription. */
      price: z.number().int().positive().nullable().default(null),
    }),
  ),
  /** One-time top-up packs sold through Stripe Checkout: credits for a price in minor units. */
  packs: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/),
      z.object({
        name: z.string(),
        credits: z.number().int().positive(),
        price: z.number().int().positive(),
        /** ISO 4217; the operator's REELAY_CURRENCY when absent. */
        currency: z
          .string()
          .regex(/^[A-Za-z]{3}$/)
          .optional(),
      }),
    )
    .default({}),
})

export type PriceBook = z.infer<typeof priceBookSchema>
export type Plan = PriceBook['plans'][string] & { id: string }

/** Defaults taken from the seed documents: 40 credits/s at 720p, 20 credits per LOW 1K image. */
export const DEFAULT_PRICES: PriceBook = {
  video: {
    perSecond: { 'seedance-2.0': 40, 'seedance-2.0-fast': 32, 'seedance-2.0-mini': 20, 'seedance-2.5': 48, 'seedance-1.5-pro': 24 },
    resolutionMultiplier: { '480p': 0.5, '720p': 1, '1080p': 2 },
    upscalePerSecond: { '2k': 20, '4k': 40 },
    videoReferenceMultiplier: 2,
  },
  image: {
    base: { 'gpt-image-2': 20, 'nano-banana-pro': 20 },
    qualityMultiplier: { LOW: 1, MEDIUM: 2, HIGH: 4 },
    resolutionMultiplier: { '1K': 1, '2K': 2, '4K': 4 },
    tierMultiplier: { standard: 1, economy: 0.5 },
  },
  prompt: { translate: 0, enhance: 0 },
  plans: {
    default: { name: 'Default', requestsPerMinute: 60, maxActiveJobs: 3, monthlyCreditQuota: null, monthlyCredits: 0, price: null },
    pro: { name: 'Pro', requestsPerMinute: 600, maxActiveJobs: 20, monthlyCreditQuota: null, monthlyCredits: 20_000, price: 4_900 },
  },
  packs: {
    starter: { name: 'Starter', credits: 2_000, price: 500 },
    studio: { name: 'Studio', credits: 10_000, price: 2_250 },
  },
}

function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null) return over as T
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v)
  return out as T
}

/** Loads the defaults, overlaid with the operator's file when there is one. */
export function loadPriceBook(file: string | undefined): PriceBook {
  const book = file ? merge(DEFAULT_PRICES, readJsonFile(file)) : DEFAULT_PRICES
  const parsed = priceBookSchema.safeParse(book)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid price file ${file}:\n${lines.join('\n')}`)
  }
  for (const m of MODELS) {
    const table = m.type === 'video' ? parsed.data.video.perSecond : parsed.data.image.base
    if (table[m.id] === undefined) throw new ConfigError(`Price file ${file} has no price for model ${m.id}`)
  }
  return parsed.data
}

export function planOf(book: PriceBook, id: string): Plan {
  // Asked on every authenticated request: each book answers each plan id with one frozen object.
  let plans = resolvedPlans.get(book)
  if (!plans) resolvedPlans.set(book, (plans = new Map()))
  let plan = plans.get(id)
  if (!plan) {
    const p = book.plans[id] ?? book.plans.default
    if (!p) throw new ConfigError(`Unknown plan ${id} and no default plan`)
    plans.set(id, (plan = Object.freeze({ ...p, id: book.plans[id] ? id : 'default' })))
  }
  return plan
}

const resolvedPlans = new WeakMap<PriceBook, Map<string, Plan>>()
