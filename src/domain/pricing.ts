import { AUTO_DURATION, type ImageParams, type VideoParams } from './params.js'
import type { PriceBook } from '../catalog/prices.js'

/** Whole credits: prices round up so fractional multipliers never undercharge. */
function credits(x: number): number {
  return Math.ceil(x - 1e-9)
}

/** One step of a price: `factor` multiplies the running total, `add` adds to it. */
export interface PriceStep {
  item: string
  detail: string
  factor?: number
  add?: number
}

export interface PriceLine {
  item: string
  detail: string
  /** What this step adds to the whole-credit price; the lines sum to the price exactly. */
  credits: number
}

/**
 * Applies the steps in order and rounds once, at the end. Each line's credits are the change in
 * the rounded running total, so they are whole, sum to the price, and a ×1 step shows 0.
 */
function settle(steps: PriceStep[]): { price: number; lines: PriceLine[] } {
  let exact = 0
  let shown = 0
  const lines: PriceLine[] = []
  for (const s of steps) {
    exact = s.factor !== undefined ? exact * s.factor : exact + (s.add ?? 0)
    const now = credits(exact)
    lines.push({ item: s.item, detail: s.detail, credits: now - shown })
    shown = now
  }
  return { price: shown, lines }
}

/** duration × per-second rate × resolution multiplier (×2 with reference videos) + upscale. */
export function videoPriceSteps(book: PriceBook, model: string, p: VideoParams, maxDurationSec = p.durationSec): PriceStep[] {
  const rate = book.video.perSecond[model] ?? 0
  const mult = book.video.resolutionMultiplier[p.resolution] ?? 1
  // "The model picks" (-1) holds the longest duration; the worker captures what was rendered.
  const seconds = p.durationSec === AUTO_DURATION ? maxDurationSec : p.durationSec
  const steps: PriceStep[] = [
    { item: 'base', detail: `${seconds} s × ${rate} credits/s (${model})`, add: seconds * rate },
    { item: 'resolution', detail: `${p.resolution} ×${mult}`, factor: mult },
  ]
  if (p.referenceVideoUrls.length > 0) {
    steps.push({ item: 'videoReference', detail: `reference video ×${book.video.videoReferenceMultiplier}`, factor: book.video.videoReferenceMultiplier })
  }
  if (p.upscale) {
    const up = book.video.upscalePerSecond[p.upscale] ?? 0
    steps.push({ item: 'upscale', detail: `${seconds} s × ${up} credits/s (${p.upscale})`, add: seconds * up })
  }
  return steps
}

/** base × quality × resolution × tier × count. */
export function imagePriceSteps(book: PriceBook, model: string, p: ImageParams): PriceStep[] {
  const base = book.image.base[model] ?? 0
  const q = book.image.qualityMultiplier[p.quality] ?? 1
  const r = book.image.resolutionMultiplier[p.resolution] ?? 1
  const steps: PriceStep[] = [
    { item: 'base', detail: `${base} credits per image (${model})`, add: base },
    { item: 'quality', detail: `${p.quality} ×${q}`, factor: q },
    { item: 'resolution', detail: `${p.resolution} ×${r}`, factor: r },
  ]
  if (p.tier) {
    const t = book.image.tierMultiplier[p.tier] ?? 1
    steps.push({ item: 'tier', detail: `${p.tier} ×${t}`, factor: t })
  }
  steps.push({ item: 'count', detail: `${p.n} image${p.n === 1 ? '' : 's'}`, factor: p.n })
  return steps
}

/** The price with its breakdown: what a quote shows, and (as `price`) what a submit holds. */
export function videoPriceLines(book: PriceBook, model: string, p: VideoParams, maxDurationSec = p.durationSec) {
  return settle(videoPriceSteps(book, model, p, maxDurationSec))
}

export function imagePriceLines(book: PriceBook, model: string, p: ImageParams) {
  return settle(imagePriceSteps(book, model, p))
}

export function priceVideo(book: PriceBook, model: string, p: VideoParams, maxDurationSec = p.durationSec): number {
  return videoPriceLines(book, model, p, maxDurationSec).price
}

export function priceImage(book: PriceBook, model: string, p: ImageParams): number {
  return imagePriceLines(book, model, p).price
}
