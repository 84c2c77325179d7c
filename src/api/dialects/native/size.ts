import type { ImageResolution, JobType, VideoResolution } from '../../../domain/params.js'

const IMAGE_TIERS: Record<string, ImageResolution> = { SMALL: '1K', MEDIUM: '2K', LARGE: '4K' }
const VIDEO_TIERS: Record<string, VideoResolution> = { SMALL: '480p', MEDIUM: '720p', LARGE: '1080p' }

/**
 * The 000 size form `16:9_SMALL`: an aspect ratio and a size class. A bare ratio (`16:9`) keeps
 * the default resolution. Returns null when the string is not of this form.
 */
export function parseSize(type: JobType, size: string): { aspectRatio: string; resolution?: string } | null {
  const m = /^([0-9]+:[0-9]+|auto|adaptive)(?:_(SMALL|MEDIUM|LARGE))?$/i.exec(size.trim())
  if (!m?.[1]) return null
  const tier = m[2]?.toUpperCase()
  const resolution = tier ? (type === 'image' ? IMAGE_TIERS[tier] : VIDEO_TIERS[tier]) : undefined
  return { aspectRatio: m[1].toLowerCase(), ...(resolution ? { resolution } : {}) }
}
