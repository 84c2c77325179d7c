import { AppError, invalid } from '../../../errors.js'
import { resolveModel, SEEDANCE_25, SEEDANCE_TIER_MODELS } from '../../../catalog/models.js'
import type { ImageInput, VideoInput } from '../../../catalog/validate.js'
import type { GptImageBody, NanoBananaBody, Seedance25Body, SeedanceBody } from './schemas.js'

/** What a route hands to `jobs.submit`. */
export interface Translated<I> {
  model: string
  input: I
  fields: Record<string, string>
}

export const GPT_IMAGE = 'gpt-image-2'
export const NANO_BANANA = 'nano-banana-pro'

/** Empty strings are what many clients send for "not set". */
const given = (v: string | undefined): v is string => v !== undefined && v !== ''

/** `"6"` → 6, `"-1"` → -1. Numbers pass through; the catalog checks the model's range. */
function durationSec(v: string | number | undefined): number | undefined {
  if (v === undefined || typeof v === 'number') return v
  const m = /^\s*(-?\d{1,3})\s*$/.exec(v)
  if (!m?.[1]) throw invalid('duration', 'must be a whole number of seconds, as a string ("6") or a number')
  return Number(m[1])
}

/** 001 says the prompt is required in every mode (the catalog lets visual input go without one). */
function requirePrompt(prompt: string, model: string): void {
  if (prompt !== '') return
  const m = resolveModel(model)
  throw invalid('prompt', m ? `is required (${m.prompt.min}–${m.prompt.max} characters)` : 'is required')
}

function onlyIn(field: string, where: string, actual: string): never {
  throw invalid(field, `is only used ${where} (${actual})`)
}

/** `POST /api/v1/video/seedance` and `/seedance2` → canonical video input; `quality_tier` picks the model. */
export function seedanceInput(body: SeedanceBody): Translated<VideoInput> {
  const tier = body.quality_tier ?? 'standard'
  if ((body.channel ?? 'standard') === 'real' && body.seed !== undefined) throw invalid('seed', 'is not supported on the real channel')
  const t = videoInput(body, SEEDANCE_TIER_MODELS[tier], durationSec(body.duration))
  return { ...t, input: { ...t.input, seed: body.seed, qualityTier: tier } }
}

/** `POST /api/v1/video/seedance25` → canonical Seedance 2.5 input. */
export function seedance25Input(body: Seedance25Body): Translated<VideoInput> {
  return videoInput(body, SEEDANCE_25, durationSec(body.duration))
}

type VideoBody = Omit<SeedanceBody, 'quality_tier' | 'seed' | 'duration'>

function videoInput(body: VideoBody, model: string, duration: number | undefined): Translated<VideoInput> {
  const mode = body.mode ?? 'text-to-video'
  const media = body.media_urls ?? []

  if (mode !== 'image-to-video') {
    if (given(body.image_url)) onlyIn('image_url', 'in image-to-video mode', `mode is ${mode}`)
    if (given(body.end_image_url)) onlyIn('end_image_url', 'in image-to-video mode', `mode is ${mode}`)
  } else if (!given(body.image_url)) {
    throw invalid('image_url', 'is required for image-to-video (the start frame)')
  }
  if (mode !== 'media-to-video') {
    if (media.length > 0) onlyIn('media_urls', 'in media-to-video mode', `mode is ${mode}`)
  } else if (media.length === 0) {
    throw invalid('media_urls', 'is required for media-to-video (1–12 URLs)')
  }
  requirePrompt(body.prompt, model)

  const input: VideoInput = {
    prompt: body.prompt,
    durationSec: duration,
    aspectRatio: body.aspect_ratio,
    resolution: body.resolution,
    generateAudio: body.generate_audio,
    cameraFixed: body.fixed_lens,
    firstFrameUrl: given(body.image_url) ? body.image_url : undefined,
    lastFrameUrl: given(body.end_image_url) ? body.end_image_url : undefined,
    // Their kinds are read from their bytes at intake, which sorts them into the reference lists.
    referenceMediaUrls: media.length > 0 ? media : undefined,
  }
  return {
    model,
    input,
    fields: {
      model: 'quality_tier',
      qualityTier: 'quality_tier',
      durationSec: 'duration',
      aspectRatio: 'aspect_ratio',
      generateAudio: 'generate_audio',
      cameraFixed: 'fixed_lens',
      firstFrameUrl: 'image_url',
      lastFrameUrl: 'end_image_url',
      referenceMediaUrls: 'media_urls',
      // Count rules per kind; `mediaError` turns these names back into `media_urls`.
      referenceImageUrls: 'media_urls (image URLs)',
      referenceVideoUrls: 'media_urls (video URLs)',
      referenceAudioUrls: 'media_urls (audio URLs)',
    },
  }
}

/**
 * The catalog checks reference counts per kind; `media_urls` holds all kinds, so its errors
 * name the field as `media_urls` and say which kind broke the rule.
 */
export function mediaError(err: unknown): unknown {
  if (!(err instanceof AppError) || !err.field) return err
  const m = /^media_urls \((\w+) URLs\)$/.exec(err.field)
  if (!m) return err
  return new AppError(err.code, err.message.replace(`\`${err.field}\``, `\`media_urls\` (${m[1]} URLs)`), { field: 'media_urls' })
}

function imageRefs(type: string, urls: string[] | undefined, field: string, model: string): string[] | undefined {
  const list = urls ?? []
  if (type === 'image-to-image' && list.length === 0) {
    const m = resolveModel(model)
    throw invalid(field, `is required for image-to-image (1–${m?.type === 'image' ? m.maxReferenceImages : '?'} URLs)`)
  }
  if (type === 'text-to-image' && list.length > 0) onlyIn(field, 'for image-to-image', 'type is text-to-image')
  return list.length > 0 ? list : undefined
}

function indexed(field: string, urls: string[] | undefined): Record<string, string> {
  return Object.fromEntries((urls ?? []).map((_, i) => [`referenceImageUrls[${i}]`, `${field}[${i}]`]))
}

/** `POST /api/v1/image/gpt-image-2` → canonical image input. */
export function gptImageInput(body: GptImageBody): Translated<ImageInput> {
  const refs = imageRefs(body.type, body.imageUrls, 'imageUrls', GPT_IMAGE)
  // `channel` is the catalog's tier: economy is priced lower, and 1:1 at 4K exists only there.
  return {
    model: GPT_IMAGE,
    input: { prompt: body.prompt, resolution: body.resolution, aspectRatio: body.aspectRatio, n: body.batchCount, referenceImageUrls: refs, tier: body.channel },
    fields: { n: 'batchCount', tier: 'channel', referenceImageUrls: 'imageUrls', ...indexed('imageUrls', refs) },
  }
}

/** `POST /api/v1/image/nano-banana-pro` → canonical image input. */
export function nanoBananaInput(body: NanoBananaBody): Translated<ImageInput> {
  const refs = imageRefs(body.type, body.image_urls, 'image_urls', NANO_BANANA)
  return {
    model: NANO_BANANA,
    input: {
      prompt: body.prompt,
      aspectRatio: body.image_size ?? 'auto',
      resolution: body.resolution,
      format: body.output_format,
      referenceImageUrls: refs,
    },
    fields: { aspectRatio: 'image_size', format: 'output_format', referenceImageUrls: 'image_urls', ...indexed('image_urls', refs) },
  }
}
