import { MODELS, type ImageModel, type VideoModel } from '../catalog/models.js'
import { validateImage, validateVideo } from '../catalog/validate.js'
import { priceImage, priceVideo } from '../domain/pricing.js'
import { creditsToMoney, fromMinor, type Money } from './money.js'
import type { PriceBook } from '../catalog/prices.js'

export interface PriceListSettings {
  currency: string
  creditsPerUnit: number
}

/**
 * Every price a customer can be charged, generated from the price book through the same
 * validation and pricing functions a submit uses (no hand-kept copy): `GET /v1/pricing`.
 */
export function priceList(book: PriceBook, s: PriceListSettings) {
  const money = (credits: number): Money => creditsToMoney(credits, s.creditsPerUnit, s.currency)
  return {
    currency: s.currency,
    creditsPerUnit: s.creditsPerUnit,
    models: MODELS.map((m) => (m.type === 'video' ? videoPrices(book, m, money) : imagePrices(book, m, money))),
    packs: Object.entries(book.packs).map(([id, p]) => ({ id, name: p.name, credits: p.credits, price: fromMinor(p.price, p.currency ?? s.currency) })),
    plans: Object.entries(book.plans).map(([id, p]) => ({
      id,
      name: p.name,
      monthlyCredits: p.monthlyCredits,
      price: p.price === null ? null : fromMinor(p.price, s.currency),
      limits: { requestsPerMinute: p.requestsPerMinute, activeJobs: p.maxActiveJobs, monthlyCreditQuota: p.monthlyCreditQuota },
    })),
  }
}

/** A rule a catalog combination breaks (e.g. no 1:1 4K on a tier) leaves that row out. */
function attempt<T>(fn: () => T): T | null {
  try {
    return fn()
  } catch {
    return null
  }
}

function videoPrices(book: PriceBook, m: VideoModel, money: (c: number) => Money) {
  const rate = book.video.perSecond[m.id] ?? 0
  const perSecond = m.resolutions.map((resolution) => {
    const credits = rate * (book.video.resolutionMultiplier[resolution] ?? 1)
    return { resolution, creditsPerSecond: credits, price: money(credits) }
  })
  // Whole jobs as a submit holds them: every duration at every resolution.
  const jobs = m.resolutions.flatMap((resolution) =>
    m.durations.flatMap((durationSec) => {
      const credits = attempt(() => priceVideo(book, m.id, validateVideo(m, { prompt: 'price', durationSec, resolution })))
      return credits === null ? [] : [{ resolution, durationSec, credits, price: money(credits) }]
    }),
  )
  return {
    id: m.id,
    name: m.name,
    type: m.type,
    unit: 'second' as const,
    perSecond,
    jobs,
    upscale: m.upscale ? Object.entries(book.video.upscalePerSecond).map(([to, credits]) => ({ upscale: to, creditsPerSecond: credits, price: money(credits) })) : [],
    videoReferenceMultiplier: book.video.videoReferenceMultiplier,
    autoDuration: m.autoDuration ? { holdsSeconds: Math.max(...m.durations) } : null,
  }
}

function imagePrices(book: PriceBook, m: ImageModel, money: (c: number) => Money) {
  const images = m.tiers.flatMap((tier) =>
    m.qualities.flatMap((quality) =>
      m.resolutions.flatMap((resolution) => {
        // The price does not depend on the ratio; any ratio the tier renders at this size will do.
        const credits = m.aspectRatios.reduce<number | null>(
          (found, aspectRatio) => found ?? attempt(() => priceImage(book, m.id, validateImage(m, { prompt: 'price', quality, resolution, tier, aspectRatio }))),
          null,
        )
        return credits === null ? [] : [{ tier, quality, resolution, credits, price: money(credits) }]
      }),
    ),
  )
  return { id: m.id, name: m.name, type: m.type, unit: 'image' as const, images }
}
