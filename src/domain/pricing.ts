import type { ImageParams, VideoParams } from './params.js'
import type { PriceBook } from '../catalog/prices.js'

/** Whole credits: prices round up so fractional multipliers never undercharge. */
function credits(x: number): number {
  return Math.ceil(x - 1e-9)
}

/** duration × per-second rate × resolution multiplier (×2 with reference videos) + upscale. */
export function priceVideo(book: PriceBook, model: string, p: VideoParams): number {
  const rate = book.video.perSecond[model] ?? 0
  const mult = book.video.resolutionMultiplier[p.resolution] ?? 1
  let base = p.durationSec * rate * mult
  if (p.referenceVideoUrls.length > 0) base *= book.video.videoReferenceMultiplier
  const upscale = p.upscale ? p.durationSec * (book.video.upscalePerSecond[p.upscale] ?? 0) : 0
  return credits(base + upscale)
}

/** base × quality × resolution × count. */
export function priceImage(book: PriceBook, model: string, p: ImageParams): number {
  const base = book.image.base[model] ?? 0
  const q = book.image.qualityMultiplier[p.quality] ?? 1
  const r = book.image.resolutionMultiplier[p.resolution] ?? 1
  return credits(base * q * r * p.n)
}
