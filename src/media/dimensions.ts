import type { ImageResolution, UpscaleResolution, VideoResolution } from '../domain/params.js'

export interface Dimensions {
  width: number
  height: number
}

const VIDEO_SHORT_SIDE: Record<VideoResolution, number> = { '480p': 480, '720p': 720, '1080p': 1080 }
const UPSCALE_LONG_SIDE: Record<UpscaleResolution, number> = { '2k': 2560, '4k': 3840 }
const IMAGE_BASE: Record<ImageResolution, number> = { '1K': 1024, '2K': 2048, '4K': 4096 }

/** "16:9" → [16, 9]; "auto"/"adaptive" → `fallback`. Throws on anything else. */
export function parseAspectRatio(aspectRatio: string, fallback: [number, number]): [number, number] {
  const s = aspectRatio.trim().toLowerCase()
  if (s === 'auto' || s === 'adaptive') return fallback
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(s)
  const w = Number(m?.[1])
  const h = Number(m?.[2])
  if (!m || !(w > 0) || !(h > 0)) throw new RangeError(`invalid aspect ratio: ${aspectRatio}`)
  return [w, h]
}

// H.264 with yuv420p needs even sides.
const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2)
const mult16 = (n: number): number => Math.max(16, Math.round(n / 16) * 16)

/** Short side = the "p" number; long side follows the ratio, rounded to even. */
export function videoDimensions(resolution: VideoResolution, aspectRatio: string): Dimensions {
  const short = VIDEO_SHORT_SIDE[resolution]
  const [rw, rh] = parseAspectRatio(aspectRatio, [16, 9])
  if (rw === rh) return { width: short, height: short }
  const long = even((short * Math.max(rw, rh)) / Math.min(rw, rh))
  return rw > rh ? { width: long, height: short } : { width: short, height: long }
}

// Sources are rounded to even sides (854x480), so snap near-misses back to the nominal ratio.
const NOMINAL_RATIOS = [16 / 9, 21 / 9, 4 / 3, 3 / 2, 5 / 4, 2, 3, 1]

/** 2k → long side 2560, 4k → 3840, keeping the source ratio with even sides. */
export function upscaledDimensions(width: number, height: number, target: UpscaleResolution): Dimensions {
  if (!(width > 0) || !(height > 0)) throw new RangeError(`invalid size ${width}x${height}`)
  const long = UPSCALE_LONG_SIDE[target]
  const measured = Math.max(width, height) / Math.min(width, height)
  const ratio = NOMINAL_RATIOS.find((r) => Math.abs(r - measured) / r < 0.005) ?? measured
  const short = even(long / ratio)
  return width >= height ? { width: long, height: short } : { width: short, height: long }
}

/** Area ≈ base² at the requested ratio, sides multiples of 16, long side at most 2×base. */
export function imageDimensions(resolution: ImageResolution, aspectRatio: string): Dimensions {
  const base = IMAGE_BASE[resolution]
  const [rw, rh] = parseAspectRatio(aspectRatio, [1, 1])
  const ratio = rw / rh
  if (ratio === 1) return { width: base, height: base }
  let width = base * Math.sqrt(ratio)
  let height = base / Math.sqrt(ratio)
  const cap = base * 2
  if (width > cap) [width, height] = [cap, cap / ratio]
  if (height > cap) [width, height] = [cap * ratio, cap]
  return { width: Math.min(cap, mult16(width)), height: Math.min(cap, mult16(height)) }
}
