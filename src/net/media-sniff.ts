export type MediaFamily = 'image' | 'video' | 'audio'

/** Bytes needed before `sniffMedia` can decide. */
export const SNIFF_BYTES = 16

const ascii = (b: Uint8Array, at: number, s: string) => b.length >= at + s.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0))
const bytes = (b: Uint8Array, at: number, sig: number[]) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v)

const IMAGE_BRANDS = ['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1']

/** The media families the leading bytes belong to (MP4/WebM/OGG containers count for several). */
export function sniffMedia(head: Uint8Array): MediaFamily[] {
  const out = new Set<MediaFamily>()
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) out.add('image')
  if (bytes(head, 0, [0xff, 0xd8, 0xff])) out.add('image')
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) out.add('image')
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) out.add('image')
  if (ascii(head, 4, 'ftyp')) {
    const brand = String.fromCharCode(...head.subarray(8, 12))
    if (IMAGE_BRANDS.includes(brand)) out.add('image')
    else out.add('video').add('audio')
  }
  if (bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) out.add('video').add('audio')
  if (ascii(head, 0, 'OggS')) out.add('video').add('audio')
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) out.add('audio')
  if (ascii(head, 0, 'ID3') || ascii(head, 0, 'fLaC')) out.add('audio')
  // MPEG audio frame sync: 11 set bits.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0 && !out.has('image')) out.add('audio')
  return [...out]
}

/**
 * Which families a declared Content-Type must sniff as, or null when the type is not one
 * we sniff. `application/octet-stream` says nothing, so it must look like any known media.
 */
export function familiesToSniff(mime: string): MediaFamily[] | null {
  if (mime.startsWith('image/')) return ['image']
  if (mime.startsWith('video/')) return ['video']
  if (mime.startsWith('audio/')) return ['audio']
  if (mime === 'application/octet-stream') return ['image', 'video', 'audio']
  return null
}
