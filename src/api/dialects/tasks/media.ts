import { invalid } from '../../../errors.js'

export type MediaKind = 'image' | 'video' | 'audio'

const KIND_BY_EXTENSION: Record<string, MediaKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  webp: 'image',
  gif: 'image',
  mp4: 'video',
  mov: 'video',
  webm: 'video',
  mp3: 'audio',
  wav: 'audio',
  m4a: 'audio',
  aac: 'audio',
  ogg: 'audio',
}

const RULE =
  'must end in a known file extension: .png, .jpg, .jpeg, .webp or .gif (image), .mp4, .mov or .webm (video), .mp3, .wav, .m4a, .aac or .ogg (audio)'

/** The kind of a `media_urls` entry, from the extension of its path (query and fragment ignored). */
export function mediaKind(raw: string, field: string): MediaKind {
  let path: string
  try {
    path = new URL(raw).pathname
  } catch {
    throw invalid(field, 'must be a valid https URL')
  }
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  const kind = dot > 0 ? KIND_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined
  if (!kind) throw invalid(field, RULE)
  return kind
}

/**
 * `media_urls` split into the catalog's reference lists, plus the field names that make the
 * catalog's per-item errors name `media_urls[i]` (the client's index, not the list's).
 */
export function classifyMedia(urls: string[]): {
  images: string[]
  videos: string[]
  audios: string[]
  fields: Record<string, string>
} {
  const lists = { image: [] as string[], video: [] as string[], audio: [] as string[] }
  const canonical = { image: 'referenceImageUrls', video: 'referenceVideoUrls', audio: 'referenceAudioUrls' } as const
  const fields: Record<string, string> = {}
  urls.forEach((u, i) => {
    const field = `media_urls[${i}]`
    const kind = mediaKind(u, field)
    fields[`${canonical[kind]}[${lists[kind].length}]`] = field
    lists[kind].push(u)
  })
  return { images: lists.image, videos: lists.video, audios: lists.audio, fields }
}
