import mimeTypes from 'mime-types'

export type MediaKind = 'image' | 'video' | 'audio'

export interface DetectedType {
  mime: string
  ext: string
  kind: MediaKind
}

// file-type names a few types by their registered alias; we store and compare one name each.
const CANONICAL: Record<string, string> = { 'audio/x-wav': 'audio/wav', 'audio/vnd.wave': 'audio/wav', 'audio/x-m4a': 'audio/mp4' }

/**
 * What a file is, decided from its bytes alone (never a name or a declared Content-Type), or
 * null when it is not a media file we know. A container that holds both (MP4) reads as video;
 * a probe tells an audio-only one apart.
 */
export async function detectMedia(bytes: Uint8Array): Promise<DetectedType | null> {
  // Loaded on the first upload or reference: an idle server does not hold its tables.
  const { fileTypeFromBuffer } = await import('file-type')
  const t = await fileTypeFromBuffer(bytes)
  if (!t) return null
  const mime = CANONICAL[t.mime] ?? t.mime
  const family = mime.split('/')[0]
  if (family !== 'image' && family !== 'video' && family !== 'audio') return null
  return { mime, ext: t.ext, kind: family }
}

// mime-db lists a type's extensions alphabetically or by registration; our stored keys and the
// names upstreams expect use the common one (`jpg`, `mov`), as file-type does.
const PREFERRED_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'video/quicktime': 'mov', 'audio/mpeg': 'mp3' }

/** The extension a file of this type is stored and named with, or undefined for an unknown type. */
export function extensionOf(mime: string): string | undefined {
  const type = mime.split(';')[0]!.trim().toLowerCase()
  return PREFERRED_EXT[type] ?? (mimeTypes.extension(type) || undefined)
}

/** The type a file name or extension stands for, or undefined when it names none. */
export function mimeOfName(nameOrExt: string): string | undefined {
  return mimeTypes.lookup(nameOrExt) || undefined
}

/** The image type of these bytes (read from them, never declared), or undefined when they are no image. */
export async function imageMimeOf(bytes: Uint8Array): Promise<string | undefined> {
  const t = await detectMedia(bytes)
  return t?.kind === 'image' ? t.mime : undefined
}
