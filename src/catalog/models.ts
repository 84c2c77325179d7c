import type { ImageFormat, ImageQuality, ImageResolution, ImageTier, JobType, QualityTier, VideoResolution } from '../domain/params.js'

interface ModelBase {
  id: string
  type: JobType
  name: string
  description: string
  /** Other names clients use for this model; resolved in one place (`resolveModel`). */
  aliases: string[]
  prompt: { min: number; max: number }
  /** When a job is failed with `timeout` and its hold released. */
  deadlineMs: number
  /** The typical time to a result; shapes the upstream poll schedule. */
  typicalMs: number
}

export interface VideoModel extends ModelBase {
  type: 'video'
  durations: number[]
  defaultDuration: number
  /** Accepts duration -1: the model picks the length. The hold covers the longest duration. */
  autoDuration: boolean
  /** Whether a fixed `seed` may be requested (Seedance 2.5 takes none). */
  seed: boolean
  resolutions: VideoResolution[]
  aspectRatios: string[]
  audio: boolean
  frames: boolean
  references: { images: number; videos: number; audios: number; total: number }
  /** Longest reference video or audio, in seconds. */
  maxReferenceMediaSec: number
  upscale: boolean
}

export interface ImageModel extends ModelBase {
  type: 'image'
  resolutions: ImageResolution[]
  aspectRatios: string[]
  qualities: ImageQuality[]
  formats: ImageFormat[]
  batch: { min: number; max: number }
  maxReferenceImages: number
  /** Resolutions allowed with aspect ratio `auto` (GPT Image 2: "auto only supports 1K"). */
  autoRatioResolutions: ImageResolution[]
  /** Rendering tiers; the first is the default. Each is priced by `image.tierMultiplier`. */
  tiers: ImageTier[]
  /** Aspect ratio + resolution pairs a tier cannot render (GPT Image 2: no 1:1 4K on standard). */
  excluded: { tier: ImageTier; aspectRatio: string; resolution: ImageResolution }[]
}

export type CatalogModel = VideoModel | ImageModel

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)

const SEEDANCE_2_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', 'adaptive']
const SEEDANCE_2_REFS = { images: 9, videos: 3, audios: 3, total: 12 }
const MINUTE = 60_000

/** What the Seedance 2.0 models (and 2.5, with its own durations) share. */
const SEEDANCE_2_FAMILY: Omit<VideoModel, 'id' | 'type' | 'name' | 'description' | 'aliases' | 'typicalMs'> = {
  prompt: { min: 3, max: 10_000 },
  durations: range(4, 15),
  defaultDuration: 5,
  autoDuration: false,
  seed: true,
  resolutions: ['480p', '720p', '1080p'],
  aspectRatios: SEEDANCE_2_RATIOS,
  audio: true,
  frames: true,
  references: SEEDANCE_2_REFS,
  maxReferenceMediaSec: 15,
  upscale: true,
  deadlineMs: 30 * MINUTE,
}

export const MODELS: readonly CatalogModel[] = [
  {
    id: 'seedance-2.0',
    type: 'video',
    name: 'Seedance 2.0',
    description: 'Highest quality, multimodal video generation',
    aliases: ['seedance2', 'seedance', 'seedance-2', 'seedance-2.0-pro', 'dreamina-seedance-2-0'],
    ...SEEDANCE_2_FAMILY,
    typicalMs: 105_000,
  },
  {
    id: 'seedance-2.0-fast',
    type: 'video',
    name: 'Seedance 2.0 Fast',
    description: 'Faster turnaround at a lower price',
    aliases: ['seedance2-fast', 'seedance-fast', 'seedance-2-fast', 'dreamina-seedance-2-0-fast'],
    ...SEEDANCE_2_FAMILY,
    typicalMs: 60_000,
  },
  {
    id: 'seedance-2.0-mini',
    type: 'video',
    name: 'Seedance 2.0 Mini',
    description: 'The lowest-cost Seedance 2.0 tier',
    aliases: ['seedance2-mini', 'seedance-mini', 'seedance-2-mini', 'dreamina-seedance-2-0-mini'],
    ...SEEDANCE_2_FAMILY,
    typicalMs: 45_000,
  },
  {
    id: 'seedance-2.5',
    type: 'video',
    name: 'Seedance 2.5',
    description: 'Longer clips (4–30 s, or let the model pick), up to 1080p',
    aliases: ['seedance25', 'seedance-25', 'seedance-2-5', 'dreamina-seedance-2-5'],
    ...SEEDANCE_2_FAMILY,
    durations: range(4, 30),
    autoDuration: true,
    seed: false,
    deadlineMs: 45 * MINUTE,
    typicalMs: 150_000,
  },
  {
    id: 'seedance-1.5-pro',
    type: 'video',
    name: 'Seedance 1.5 Pro',
    description: 'Lower-cost fallback workloads',
    aliases: ['seedance1.5-pro', 'seedance-1-5-pro', 'seedance-1.5'],
    prompt: { min: 3, max: 10_000 },
    durations: [5, 10],
    defaultDuration: 5,
    autoDuration: false,
    seed: true,
    resolutions: ['480p', '720p', '1080p'],
    aspectRatios: ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', 'adaptive'],
    audio: true,
    frames: true,
    references: { images: 0, videos: 0, audios: 0, total: 0 },
    maxReferenceMediaSec: 0,
    upscale: false,
    deadlineMs: 30 * MINUTE,
    typicalMs: 150_000,
  },
  {
    id: 'gpt-image-2',
    type: 'image',
    name: 'GPT Image 2',
    description: 'High-fidelity image generation',
    aliases: ['gpt-image', 'gpt-image-2-all', 'gptimage2'],
    prompt: { min: 3, max: 20_000 },
    resolutions: ['1K', '2K', '4K'],
    aspectRatios: ['auto', '1:1', '5:4', '4:5', '9:16', '16:9', '21:9', '9:21', '4:3', '3:4', '3:2', '2:3', '2:1', '1:2', '3:1', '1:3'],
    qualities: ['LOW', 'MEDIUM', 'HIGH'],
    formats: ['png', 'jpeg'],
    batch: { min: 1, max: 4 },
    maxReferenceImages: 10,
    autoRatioResolutions: ['1K'],
    tiers: ['standard', 'economy'],
    excluded: [{ tier: 'standard', aspectRatio: '1:1', resolution: '4K' }],
    deadlineMs: 10 * MINUTE,
    typicalMs: 40_000,
  },
  {
    id: 'nano-banana-pro',
    type: 'image',
    name: 'Nano Banana Pro',
    description: 'Stylized, premium image output',
    aliases: ['nano-banana', 'nanobanana-pro', 'gemini-3-pro-image', 'gemini-3-pro-image-preview'],
    prompt: { min: 3, max: 10_000 },
    resolutions: ['1K', '2K', '4K'],
    aspectRatios: ['auto', '1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9'],
    qualities: ['LOW', 'MEDIUM', 'HIGH'],
    formats: ['png', 'jpeg'],
    batch: { min: 1, max: 4 },
    maxReferenceImages: 8,
    autoRatioResolutions: ['1K', '2K', '4K'],
    tiers: ['standard'],
    excluded: [],
    deadlineMs: 10 * MINUTE,
    typicalMs: 30_000,
  },
]

const byName = new Map<string, CatalogModel>()
for (const m of MODELS) {
  byName.set(m.id, m)
  for (const a of m.aliases) byName.set(a, m)
}

/** Resolves a model id or any alias, case-insensitively. */
export function resolveModel(name: string): CatalogModel | undefined {
  return byName.get(name.trim().toLowerCase())
}

export const DEFAULT_MODEL: Record<JobType, string> = { image: 'gpt-image-2', video: 'seedance-2.0-fast' }

/** Seedance 2.0 quality tiers (seeds 001/003 `quality_tier`) → catalog model. */
export const SEEDANCE_TIER_MODELS: Record<QualityTier, string> = { standard: 'seedance-2.0-fast', pro: 'seedance-2.0', mini: 'seedance-2.0-mini' }

/** Seedance 2.5, the model behind 001's `/api/v1/video/seedance25`. */
export const SEEDANCE_25 = 'seedance-2.5'
