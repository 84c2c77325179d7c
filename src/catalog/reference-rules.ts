import type { CatalogModel } from './models.js'
import type { MediaKind } from '../media/mime.js'

/** What one reference file must be for a model: formats its upstreams accept, sizes, lengths. */
export interface ReferenceRules {
  image: { formats: Record<string, string>; minShortSide: number; maxLongSide: number }
  video: { formats: Record<string, string>; codecs: string[]; maxDurationSec: number }
  audio: { formats: Record<string, string>; maxDurationSec: number }
}

/** The facts a probe gives about one file. */
export interface ReferenceFacts {
  mime: string
  width: number | null
  height: number | null
  durationSec: number | null
  videoCodec: string | null
}

const IMAGES = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' }
const VIDEOS = { 'video/mp4': 'MP4', 'video/quicktime': 'MOV' }
const AUDIOS = { 'audio/mpeg': 'MP3', 'audio/wav': 'WAV', 'audio/mp4': 'M4A' }

/**
 * Seedance (seed 002 states it for every Seedance 2.0 request): images at least 400 px on the
 * short side, reference video and audio at most 15 s. Image models (GPT Image 2, Gemini) take
 * JPEG, PNG or WebP edit images of any practical size; below 16 px one carries nothing to edit.
 */
export function referenceRules(model: CatalogModel): ReferenceRules {
  const maxSec = model.type === 'video' ? model.maxReferenceMediaSec : 0
  return {
    image: { formats: IMAGES, minShortSide: model.type === 'video' ? 400 : 16, maxLongSide: model.type === 'video' ? 6000 : 8192 },
    video: { formats: VIDEOS, codecs: ['h264', 'hevc'], maxDurationSec: maxSec },
    audio: { formats: AUDIOS, maxDurationSec: maxSec },
  }
}

const list = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`)
const sec = (s: number) => `${Number(s.toFixed(1))} s`

/** The rule a file of `kind` breaks, or null when the model can use it. */
export function brokenReferenceRule(rules: ReferenceRules, kind: MediaKind, f: ReferenceFacts): string | null {
  const r = rules[kind]
  if (!(f.mime in r.formats)) return `must be ${list(Object.values(r.formats))} (got ${f.mime})`
  if (kind === 'image') {
    const { minShortSide, maxLongSide } = rules.image
    if (!f.width || !f.height) return 'must be an image whose size can be read'
    if (Math.min(f.width, f.height) < minShortSide) return `must be at least ${minShortSide} px on its short side (got ${f.width}×${f.height})`
    if (Math.max(f.width, f.height) > maxLongSide) return `must be at most ${maxLongSide} px on its long side (got ${f.width}×${f.height})`
    return null
  }
  if (kind === 'video' && !rules.video.codecs.includes(f.videoCodec ?? '')) return `must be H.264 or H.265 video (got ${f.videoCodec ?? 'no video stream'})`
  const max = rules[kind].maxDurationSec
  if (f.durationSec === null) return `must be ${kind} whose length can be read`
  if (f.durationSec > max + 0.05) return `must be at most ${max} s long (got ${sec(f.durationSec)})`
  return null
}
