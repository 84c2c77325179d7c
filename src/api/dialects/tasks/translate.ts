import { AppError, invalid } from '../../../errors.js'
import { resolveModel } from '../../../catalog/models.js'
import { classifyMedia } from './media.js'
import type { ImageInput, VideoInput } from '../../../catalog/validate.js'
import type { GptImageBody, NanoBananaBody, SeedanceBody } from './schemas.js'

/** What a route hands to `jobs.submit`. */
export interface Translated<I> {
  model: string
  input: I
  fields: Record<string, string>
}

/**
 * `quality_tier` picks the catalog model: `standard` → the fast model, `pro` → the full one.
 * The tier is also passed on as the canonical `qualityTier`.
 */
export const SEEDANCE_MODELS = { standard: 'seedance-2.0-fast', pro: 'seedance-2.0' } as const

export const GPT_IMAGE = 'gpt-image-2'
export const NANO_BANANA = 'nano-banana-pro'

/** Empty strings are what many clients send for "not set". */
const given = (v: string | undefined): v is string => v !== undefined && v !== ''

/** `"5"` → 5. Numbers pass through for the catalog to range-check. */
function durationSec(v: string | number | undefined): number | undefined {
  if (v === undefined || typeof v === 'number') return v
  const m = /^\s*(\d{1,3})\s*$/.exec(v)
  if (!m?.[1]) throw invalid('duration', 'must be a whole number of seconds as a string, "4" to "15"')
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

/** `POST /api/v1/video/seedance` → canonical video input. */
export function seedanceInput(body: SeedanceBody): Translated<VideoInput> {
  const mode = body.mode ?? 'text-to-video'
  const channel = body.channel ?? 'standard'
  const tier = body.quality_tier ?? 'standard'
  const model = SEEDANCE_MODELS[tier]
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
  if (channel === 'real' && body.seed !== undefined) throw invalid('seed', 'is not supported on the real channel')
  requirePrompt(body.prompt, model)

  const refs = classifyMedia(media)
  const input: VideoInput = {
    prompt: body.prompt,
    durationSec: durationSec(body.duration),
    aspectRatio: body.aspect_ratio,
    resolution: body.resolution,
    generateAudio: body.generate_audio,
    cameraFixed: body.fixed_lens,
    seed: body.seed,
    qualityTier: tier,
    firstFrameUrl: given(body.image_url) ? body.image_url : undefined,
    lastFrameUrl: given(body.end_image_url) ? body.end_image_url : undefined,
    referenceImageUrls: refs.images,
    referenceVideoUrls: refs.videos,
    referenceAudioUrls: refs.audios,
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
      // Count rules per kind; `mediaError` turns these names back into `media_urls`.
      referenceImageUrls: 'media_urls (image URLs)',
      referenceVideoUrls: 'media_urls (video URLs)',
      referenceAudioUrls: 'media_urls (audio URLs)',
      ...refs.fields,
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
  const channel = body.channel ?? 'standard'
  const refs = imageRefs(body.type, body.imageUrls, 'imageUrls', GPT_IMAGE)
  // A rule of this API only (001): the standard channel has no square 4K output.
  if (channel === 'standard' && body.aspectRatio === '1:1' && body.resolution === '4K') {
    throw invalid('resolution', 'cannot be 4K with aspectRatio 1:1 on the standard channel; use 1K or 2K, or the economy channel')
  }
  return {
    model: GPT_IMAGE,
    input: { prompt: body.prompt, resolution: body.resolution, aspectRatio: body.aspectRatio, n: body.batchCount, referenceImageUrls: refs },
    fields: { n: 'batchCount', referenceImageUrls: 'imageUrls', ...indexed('imageUrls', refs) },
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
