import type { Dimensions } from './dimensions.js'

/** Positioned reads of a file (a FileHandle) or of bytes in memory (`bufferSource`). */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>
}

/** A ByteSource over bytes already in memory (an upstream's inline image). */
export function bufferSource(bytes: Uint8Array): ByteSource {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { read: async (buffer, offset, length, position) => ({ bytesRead: position >= src.length ? 0 : src.copy(buffer, offset, position, Math.min(src.length, position + length)) }) }
}

/**
 * Width and height of a PNG, GIF, WebP or JPEG read from its header bytes, or null when the
 * bytes are not one of those or are cut short (the caller then asks ffprobe). A still needs no
 * ffprobe process: forking one per image was most of a synchronous image request's CPU.
 * `head` is the file's first bytes; JPEG markers past it are read from `fh`.
 */
export async function imageSize(mime: string, head: Buffer, fh: ByteSource, bytes: number): Promise<Dimensions | null> {
  // A file cut off after its header is ffprobe's to refuse, as before.
  if (!(await endsWhole(mime, head, fh, bytes))) return null
  const d = mime === 'image/jpeg' ? await jpegSize(head, fh) : headerSize(mime, head)
  return d && d.width > 0 && d.height > 0 ? d : null
}

const PNG_END = Buffer.from('0000000049454e44ae426082', 'hex')

/** Whether the file ends the way its format ends: a truncated download does not. */
async function endsWhole(mime: string, head: Buffer, fh: ByteSource, bytes: number): Promise<boolean> {
  // WebP states its length: the RIFF size counts every byte after the first 8.
  if (mime === 'image/webp') return head.length >= 8 && head.readUInt32LE(4) + 8 === bytes
  const tail = Buffer.alloc(Math.min(12, bytes))
  await fh.read(tail, 0, tail.length, bytes - tail.length)
  if (mime === 'image/png' || mime === 'image/apng') return tail.equals(PNG_END)
  if (mime === 'image/gif') return tail.at(-1) === 0x3b
  if (mime === 'image/jpeg') return tail.at(-2) === 0xff && tail.at(-1) === 0xd9
  return false
}

function headerSize(mime: string, b: Buffer): Dimensions | null {
  if ((mime === 'image/png' || mime === 'image/apng') && b.length >= 24 && b.toString('latin1', 12, 16) === 'IHDR') {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
  }
  if (mime === 'image/gif' && b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) }
  if (mime === 'image/webp' && b.length >= 30 && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16)
    // Lossy: the key frame's 14-bit sizes after the start code 9d 01 2a.
    if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff }
    // Lossless: two 14-bit sizes minus one, packed after the signature byte 0x2f.
    if (chunk === 'VP8L' && b[20] === 0x2f) {
      const bits = b.readUInt32LE(21)
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
    }
    // Extended: the canvas, 24-bit sizes minus one.
    if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 }
  }
  return null
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc

/** Walks the JPEG's segments (EXIF thumbnails can push the frame header far past the head). */
async function jpegSize(head: Buffer, fh: ByteSource): Promise<Dimensions | null> {
  if (head[0] !== 0xff || head[1] !== 0xd8) return null
  const seg = Buffer.alloc(9)
  let pos = 2
  for (let i = 0; i < 1_000; i++) {
    const { bytesRead } = await fh.read(seg, 0, 9, pos)
    if (bytesRead < 4 || seg[0] !== 0xff) return null
    const marker = seg[1]!
    // Fill bytes before a marker.
    if (marker === 0xff) {
      pos += 1
      continue
    }
    if (isStartOfFrame(marker)) return bytesRead === 9 ? { width: seg.readUInt16BE(7), height: seg.readUInt16BE(5) } : null
    // Start of scan or end of image before any frame header: not a JPEG we can size.
    if (marker === 0xda || marker === 0xd9) return null
    pos += 2 + seg.readUInt16BE(2)
  }
  return null
}
