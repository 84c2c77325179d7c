import { AppError } from '../../../errors.js'

/** `1536x1024` → {width, height}; null when the string is not of that form. */
export function parseWxH(size: string): { width: number; height: number } | null {
  const m = /^\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*$/.exec(size)
  if (!m) return null
  const width = Number(m[1])
  const height = Number(m[2])
  return width > 0 && height > 0 ? { width, height } : null
}

const ratioValue = (r: string): number | null => {
  const m = /^(\d+):(\d+)$/.exec(r)
  return m ? Number(m[1]) / Number(m[2]) : null
}

/** The catalog ratio nearest to width/height (compared on a log scale, so 2:1 and 1:2 are symmetric). */
export function nearestRatio(width: number, height: number, ratios: readonly string[]): string | null {
  const want = Math.log(width / height)
  let best: string | null = null
  let bestDist = Infinity
  for (const r of ratios) {
    const v = ratioValue(r)
    if (v === null) continue
    const dist = Math.abs(Math.log(v) - want)
    if (dist < bestDist) {
      best = r
      bestDist = dist
    }
  }
  return best
}

const MAX_IMAGE_EDGE = 3840
const MAX_IMAGE_PIXELS = 3840 * 2160

/**
 * OpenAI image `size` → our aspect ratio and resolution class. `auto` keeps the model's choice at
 * 1K. Any WIDTHxHEIGHT that OpenAI accepts for gpt-image-2 (both sides multiples of 16, ratio at
 * most 3:1, longest edge ≤ 3840, at most 3840×2160 pixels) is mapped onto the nearest catalog
 * ratio, and the longest edge picks the class: < 2048 → 1K, < 3072 → 2K, else 4K.
 */
export function imageSize(size: string | null | undefined, ratios: readonly string[]): { aspectRatio?: string; resolution?: string } {
  if (size === undefined || size === null) return {}
  if (size.trim() === 'auto') return { aspectRatio: 'auto', resolution: '1K' }
  const wh = parseWxH(size)
  const rule = 'must be auto, 1024x1024, 1536x1024, 1024x1536, or WIDTHxHEIGHT'
  if (!wh) throw new AppError('invalid_request', `\`size\` ${rule}`, { field: 'size' })
  const { width, height } = wh
  if (width % 16 !== 0 || height % 16 !== 0) {
    throw new AppError('invalid_request', `\`size\` must have both sides a multiple of 16 (got ${width}x${height})`, { field: 'size' })
  }
  const long = Math.max(width, height)
  const short = Math.min(width, height)
  if (long / short > 3) throw new AppError('invalid_request', '`size` must have an aspect ratio between 1:3 and 3:1', { field: 'size' })
  if (long > MAX_IMAGE_EDGE || width * height > MAX_IMAGE_PIXELS) {
    throw new AppError('invalid_request', `\`size\` must be at most ${MAX_IMAGE_EDGE} pixels on an edge and ${MAX_IMAGE_PIXELS} pixels in all`, { field: 'size' })
  }
  const aspectRatio = nearestRatio(width, height, ratios) ?? '1:1'
  const resolution = long < 2048 ? '1K' : long < 3072 ? '2K' : '4K'
  return { aspectRatio, resolution }
}

/**
 * OpenAI video `size` → our aspect ratio and resolution. The four Sora sizes map as
 * 720x1280 → 9:16 720p, 1280x720 → 16:9 720p, 1024x1792 → 9:16 1080p, 1792x1024 → 16:9 1080p.
 * Any other WIDTHxHEIGHT takes the nearest catalog ratio, and its short edge the resolution:
 * < 600 → 480p, < 900 → 720p, else 1080p.
 */
export function videoSize(size: string, ratios: readonly string[]): { aspectRatio: string; resolution: string } {
  const wh = parseWxH(size)
  if (!wh || Math.max(wh.width, wh.height) > 8192) {
    throw new AppError('invalid_request', '`size` must be WIDTHxHEIGHT, e.g. 720x1280, 1280x720, 1024x1792 or 1792x1024', { field: 'size' })
  }
  const { width, height } = wh
  if (Math.max(width, height) / Math.min(width, height) > 3) {
    throw new AppError('invalid_request', '`size` must have an aspect ratio between 1:3 and 3:1', { field: 'size' })
  }
  const short = Math.min(width, height)
  return {
    aspectRatio: nearestRatio(width, height, ratios) ?? '16:9',
    resolution: short < 600 ? '480p' : short < 900 ? '720p' : '1080p',
  }
}
