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

export interface VideoParams {
  prompt: string
  durationSec: number
  resolution: VideoResolution
  aspectRatio: string
  generateAudio: boolean
  /** -1 means "pick one"; the studio provider then derives one from the prompt. */
  seed: number
  cameraFixed: boolean
  qualityTier: 'standard' | 'pro'
  firstFrameUrl?: string
  lastFrameUrl?: string
  referenceImageUrls: string[]
  referenceVideoUrls: string[]
  referenceAudioUrls: string[]
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
}

export type CanonicalParams = VideoParams | ImageParams

export function isVideoParams(type: JobType, _p: CanonicalParams): _p is VideoParams {
  return type === 'video'
}
