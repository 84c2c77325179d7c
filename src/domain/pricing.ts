import { AUTO_DURATION, type ImageParams, type VideoParams } from './params.js'
import type { PriceBook } from '../catalog/prices.js'

/** Whole credits: prices round up so fractional multipliers never undercharge. */
function credits(x: number): number {
  return Math.ceil(x - 1e-9)
}

/** duration × per-second rate × resolution multiplier (×2 with reference videos) + upscale. */
export function priceVideo(book: PriceBook, model: string, p: VideoParams, maxDurationSec = p.durationSec): number {
  const rate = book.video.perSecond[model] ?? 0
  const mult = book.video.resolutionMultiplier[p.resolution] ?? 1
  // "The model picks" (-1) holds the longest duration; the worker captures what was rendered.
  const seconds = p.durationSec === AUTO_DURATION ? maxDurationSec : p.durationSec
  let base = seconds * rate * mult
  if (p.referenceVideoUrls.length > 0) base *= book.video.videoReferenceMultiplier
  const upscale = p.upscale ? seconds * (book.video.upscalePerSecond[p.upscale] ?? 0) : 0
  return credits(base + upscale)
}

/** base × quality × resolution × tier × count. */
export function priceImage(book: PriceBook, model: string, p: ImageParams): number {
  const base = book.image.base[model] ?? 0
  const q = book.image.qualityMultiplier[p.quality] ?? 1
  const r = book.image.resolutionMultiplier[p.resolution] ?? 1
  const t = p.tier ? (book.image.tierMultiplier[p.tier] ?? 1) : 1
  return credits(base * q * r * t * p.n)
}
