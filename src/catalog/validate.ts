import { invalid } from '../errors.js'
import { AUTO_DURATION, type ImageParams, type VideoParams } from '../domain/params.js'
import type { ImageModel, VideoModel } from './models.js'

/** What a dialect hands over: canonical names, values not yet checked. */
export type VideoInput = { [K in keyof VideoParams]?: unknown } & {
  /** References of any kind (001 `media_urls`): split into the lists by their bytes at intake. */
  referenceMediaUrls?: unknown
}
export type ImageInput = { [K in keyof ImageParams]?: unknown }

export interface ValidateOptions {
  /** Canonical field → the name the calling dialect uses, so errors name the client's field. */
  fields?: Partial<Record<string, string>>
  /** Returns a rule the URL breaks, or null when it may be used; `field` is the client's name for it. */
  checkUrl?: (url: string, field: string) => string | null
}

/** A canonical field (`referenceImageUrls[2]`) as the calling dialect names it. */
export function fieldName(fields: ValidateOptions['fields'], field: string): string {
  const exact = fields?.[field]
  if (exact) return exact
  // `referenceImageUrls[2]` → the dialect's name for the list, same index.
  const m = /^([A-Za-z]+)(\[\d+\])$/.exec(field)
  return m ? `${fields?.[m[1]!] ?? m[1]}${m[2]}` : field
}

class Checker {
  constructor(private readonly opts: ValidateOptions) {}

  name(field: string): string {
    return fieldName(this.opts.fields, field)
  }

  fail(field: string, rule: string): never {
    throw invalid(this.name(field), rule)
  }

  string(field: string, v: unknown, min: number, max: number): string {
    if (typeof v !== 'string') this.fail(field, 'must be a string')
    const len = [...v].length
    if (len < min || len > max) this.fail(field, `must be ${min}–${max} characters (got ${len})`)
    return v
  }

  oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(field, `must be one of ${allowed.join(', ')}`)
    }
    return v as T
  }

  int(field: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `must be an integer from ${min} to ${max}`)
    }
    return v
  }

  bool(field: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'must be true or false')
    return v
  }

  url(field: string, v: unknown): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(field, 'must be a URL string')
    if (v.length > 4096) this.fail(field, 'must be at most 4096 characters')
    const broken = this.opts.checkUrl?.(v, this.name(field)) ?? basicUrlRule(v)
    if (broken) this.fail(field, broken)
    return v
  }

  /** An exact frame size: even sides (H.264), 64–4096 pixels. */
  size(field: string, v: unknown): { width: number; height: number } {
    const o = v as { width?: unknown; height?: unknown } | null
    const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 64 && n <= 4096 && n % 2 === 0
    if (typeof o !== 'object' || o === null || !ok(o.width) || !ok(o.height)) this.fail(field, 'must be a width and height in even pixels from 64 to 4096')
    return { width: o.width as number, height: o.height as number }
  }

  urls(field: string, v: unknown, max: number): string[] {
    if (v === undefined || v === null) return []
    if (!Array.isArray(v)) this.fail(field, 'must be an array of URLs')
    if (v.length > max) this.fail(field, max === 0 ? 'is not supported by this model' : `must have at most ${max} items`)
    return v.map((u, i) => this.url(`${field}[${i}]`, u))
  }
}

function basicUrlRule(v: string): string | null {
  try {
    const u = new URL(v)
    return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'must be an http(s) URL'
  } catch {
    return 'must be a valid URL'
  }
}

const SEED_MAX = 4_294_967_295

export function validateVideo(model: VideoModel, input: VideoInput, opts: ValidateOptions = {}): VideoParams {
  const c = new Checker(opts)
  const refs = model.references
  const referenceImageUrls = c.urls('referenceImageUrls', input.referenceImageUrls, refs.images)
  const referenceVideoUrls = c.urls('referenceVideoUrls', input.referenceVideoUrls, refs.videos)
  const referenceAudioUrls = c.urls('referenceAudioUrls', input.referenceAudioUrls, refs.audios)
  const referenceMediaUrls = c.urls('referenceMediaUrls', input.referenceMediaUrls, refs.total)
  const refCount = referenceImageUrls.length + referenceVideoUrls.length + referenceAudioUrls.length + referenceMediaUrls.length
  if (refCount > refs.total) c.fail('referenceImageUrls', `references must total at most ${refs.total} files (got ${refCount})`)
  const firstFrameUrl = input.firstFrameUrl == null ? undefined : c.url('firstFrameUrl', input.firstFrameUrl)
  const lastFrameUrl = input.lastFrameUrl == null ? undefined : c.url('lastFrameUrl', input.lastFrameUrl)
  if (lastFrameUrl && !firstFrameUrl) c.fail('lastFrameUrl', 'requires a first frame')
  if ((firstFrameUrl || lastFrameUrl) && refCount > 0) {
    c.fail('firstFrameUrl', 'cannot be combined with reference images, videos or audio')
  }
  if (referenceAudioUrls.length > 0 && referenceImageUrls.length + referenceVideoUrls.length === 0) {
    c.fail('referenceAudioUrls', 'needs at least one reference image or video')
  }
  const hasVisualInput = Boolean(firstFrameUrl) || refCount > 0
  const prompt =
    input.prompt === undefined || input.prompt === null || (input.prompt === '' && hasVisualInput)
      ? hasVisualInput
        ? ''
        : c.fail('prompt', 'is required')
      : c.string('prompt', input.prompt, model.prompt.min, model.prompt.max)

  const rawDuration = input.durationSec === undefined ? model.defaultDuration : input.durationSec
  const auto = model.autoDuration && rawDuration === AUTO_DURATION
  if (!auto && (typeof rawDuration !== 'number' || !model.durations.includes(rawDuration))) {
    const d = model.durations
    const rule = d.length > 2 && d.every((x, i) => i === 0 || x === d[i - 1]! + 1) ? `${d[0]}–${d.at(-1)}` : d.join(' or ')
    c.fail('durationSec', `must be ${rule} seconds${model.autoDuration ? ' or -1 (the model picks)' : ''} for ${model.id}`)
  }
  if (!model.seed && input.seed !== undefined && input.seed !== -1) c.fail('seed', `is not supported by ${model.id}`)
  const durationSec = rawDuration as number
  const upscale = input.upscale == null ? undefined : c.oneOf('upscale', input.upscale, ['2k', '4k'] as const)
  if (upscale && !model.upscale) c.fail('upscale', `is not supported by ${model.id}`)
  return {
    prompt,
    durationSec,
    resolution: input.resolution === undefined ? '720p' : c.oneOf('resolution', input.resolution, model.resolutions),
    aspectRatio: input.aspectRatio === undefined ? '16:9' : c.oneOf('aspectRatio', input.aspectRatio, model.aspectRatios),
    generateAudio: input.generateAudio === undefined ? model.audio : c.bool('generateAudio', input.generateAudio),
    seed: input.seed === undefined ? -1 : c.int('seed', input.seed, -1, SEED_MAX),
    cameraFixed: input.cameraFixed === undefined ? false : c.bool('cameraFixed', input.cameraFixed),
    qualityTier: input.qualityTier === undefined ? 'standard' : c.oneOf('qualityTier', input.qualityTier, ['standard', 'pro', 'mini'] as const),
    ...(input.size === undefined ? {} : { size: c.size('size', input.size) }),
    ...(firstFrameUrl ? { firstFrameUrl } : {}),
    ...(lastFrameUrl ? { lastFrameUrl } : {}),
    referenceImageUrls,
    referenceVideoUrls,
    referenceAudioUrls,
    ...(referenceMediaUrls.length > 0 ? { referenceMediaUrls } : {}),
    ...(upscale ? { upscale } : {}),
  }
}

export function validateImage(model: ImageModel, input: ImageInput, opts: ValidateOptions = {}): ImageParams {
  const c = new Checker(opts)
  const prompt = input.prompt == null ? c.fail('prompt', 'is required') : c.string('prompt', input.prompt, model.prompt.min, model.prompt.max)
  const aspectRatio = input.aspectRatio === undefined ? '1:1' : c.oneOf('aspectRatio', input.aspectRatio, model.aspectRatios)
  const resolution = input.resolution === undefined ? '1K' : c.oneOf('resolution', input.resolution, model.resolutions)
  if (aspectRatio === 'auto' && !model.autoRatioResolutions.includes(resolution)) {
    c.fail('resolution', `must be ${model.autoRatioResolutions.join(' or ')} when the aspect ratio is auto`)
  }
  const tier = input.tier === undefined ? undefined : c.oneOf('tier', input.tier, model.tiers)
  const rule = model.excluded.find((x) => x.tier === (tier ?? model.tiers[0]) && x.aspectRatio === aspectRatio && x.resolution === resolution)
  if (rule) {
    const others = model.tiers.filter((t) => t !== rule.tier)
    const word = c.name('tier')
    c.fail('resolution', `cannot be ${resolution} with aspect ratio ${aspectRatio} on the ${rule.tier} ${word}${others.length ? `; use another resolution, or the ${others.join(' or ')} ${word}` : ''}`)
  }
  return {
    prompt,
    n: input.n === undefined ? 1 : c.int('n', input.n, model.batch.min, model.batch.max),
    resolution,
    aspectRatio,
    quality: input.quality === undefined ? 'LOW' : c.oneOf('quality', input.quality, model.qualities),
    format: input.format === undefined ? 'png' : c.oneOf('format', input.format, model.formats),
    seed: input.seed === undefined ? -1 : c.int('seed', input.seed, -1, SEED_MAX),
    referenceImageUrls: c.urls('referenceImageUrls', input.referenceImageUrls, model.maxReferenceImages),
    ...(tier ? { tier } : {}),
  }
}
