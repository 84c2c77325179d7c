/**
 * Canonical generation parameters: the one form every dialect translates into and every
 * provider translates out of. Validation and pricing speak only this form.
 */
export type JobType = 'image' | 'video'

export type VideoResolution = '480p' | '720p' | '1080p'
export type UpscaleResolution = '2k' | '4k'
export type ImageResolution = '1K' | '2K' | '4K'
export type ImageQuality = 'LOW' | 'MEDIUM' | 'HIGH'
export type ImageFormat = 'png' | 'jpeg'
export type QualityTier = 'standard' | 'pro' | 'mini'
/** GPT Image 2's channels (seed 001): `economy` is the lower-cost one. */
export type ImageTier = 'standard' | 'economy'

/** Duration -1: the model picks the length (Seedance 2.5). */
export const AUTO_DURATION = -1

export interface VideoParams {
  prompt: string
  durationSec: number
  resolution: VideoResolution
  aspectRatio: string
  generateAudio: boolean
  /** -1 means "pick one"; the studio provider then derives one from the prompt. */
  seed: number
  cameraFixed: boolean
  qualityTier: QualityTier
  /** An exact output size (seed 002's pixel sizes); otherwise resolution and ratio decide. */
  size?: { width: number; height: number }
  firstFrameUrl?: string
  lastFrameUrl?: string
  referenceImageUrls: string[]
  referenceVideoUrls: string[]
  referenceAudioUrls: string[]
  /** Only between validation and reference intake, which sorts them into the three lists by their bytes. */
  referenceMediaUrls?: string[]
  upscale?: UpscaleResolution
}

export interface ImageParams {
  prompt: string
  n: number
  resolution: ImageResolution
  aspectRatio: string
  quality: ImageQuality
  format: ImageFormat
  seed: number
  referenceImageUrls: string[]
  /** Absent means the model's default tier. */
  tier?: ImageTier
}

export type CanonicalParams = VideoParams | ImageParams

export function isVideoParams(type: JobType, _p: CanonicalParams): _p is VideoParams {
  return type === 'video'
}
