import { fileTypeFromBuffer } from 'file-type'

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
  const t = await fileTypeFromBuffer(bytes)
  if (!t) return null
  const mime = CANONICAL[t.mime] ?? t.mime
  const family = mime.split('/')[0]
  if (family !== 'image' && family !== 'video' && family !== 'audio') return null
  return { mime, ext: t.ext, kind: family }
}
