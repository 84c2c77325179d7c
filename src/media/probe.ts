import { open, stat } from 'node:fs/promises'
import { detectMedia } from './mime.js'
import { bufferSource, imageSize, type ByteSource } from './image-size.js'
import { runFfprobe } from './run-ffmpeg.js'

export interface MediaInfo {
  mime: string
  width: number | null
  height: number | null
  durationSec: number | null
  /** Video frame rate (r_frame_rate), null for stills and audio. */
  fps: number | null
  hasAudio: boolean
  videoCodec: string | null
  audioCodec: string | null
  bytes: number
}

interface FfStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  r_frame_rate?: string
  duration?: string
  disposition?: { attached_pic?: number }
}
interface FfFormat {
  format_name?: string
  duration?: string
  tags?: { major_brand?: string }
}

const STILL_CODECS: Record<string, string> = {
  png: 'image/png',
  apng: 'image/apng',
  mjpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
}

const AUDIO_FORMATS: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aac: 'audio/aac',
}

function num(v: string | undefined): number | null {
  if (v === undefined) return null
  const n = Number(v)
  return Number.isFinite(n) ? n : null
}

function rate(v: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(v ?? '')
  if (!m) return null
  const n = Number(m[1])
  const d = Number(m[2])
  return d > 0 && n > 0 ? n / d : null
}

function mimeFromProbe(format: FfFormat, video: FfStream | undefined, audio: FfStream | undefined): string | null {
  const names = (format.format_name ?? '').split(',')
  const has = (n: string): boolean => names.includes(n)
  // Image demuxers are named "<codec>_pipe" (png_pipe, jpeg_pipe) or "image2".
  if (video && (names.some((n) => n.endsWith('_pipe')) || has('image2') || has('gif'))) {
    const still = STILL_CODECS[video.codec_name ?? '']
    if (still) return still
  }
  if (has('mp4') || has('mov')) {
    if (video && !video.disposition?.attached_pic) return format.tags?.major_brand?.trim() === 'qt' ? 'video/quicktime' : 'video/mp4'
    return 'audio/mp4'
  }
  if (has('webm') || has('matroska')) {
    const webm = ['vp8', 'vp9', 'av1'].includes(video?.codec_name ?? '') || (!video && ['opus', 'vorbis'].includes(audio?.codec_name ?? ''))
    if (webm) return video ? 'video/webm' : 'audio/webm'
    return video ? 'video/x-matroska' : 'audio/x-matroska'
  }
  for (const n of names) {
    const a = AUDIO_FORMATS[n]
    if (a) return a
  }
  return null
}

async function readHead(fh: ByteSource): Promise<Buffer> {
  // As much as file-type reads to decide (its longest look-ahead).
  const buf = Buffer.alloc(4_100)
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
  return buf.subarray(0, bytesRead)
}

/** A PNG, GIF, WebP or JPEG described from its bytes alone; null for anything else (ffprobe decides). */
async function probeStill(file: string, bytes: number): Promise<MediaInfo | null> {
  const fh = await open(file, 'r')
  try {
    return await stillInfo(fh, bytes)
  } finally {
    await fh.close()
  }
}

/**
 * `probeMedia` of bytes in memory when they are a whole PNG, GIF, WebP or JPEG, with no file
 * and no process; null for anything else (write them to a file and call `probeMedia`).
 */
export function probeStillBytes(bytes: Uint8Array): Promise<MediaInfo | null> {
  return stillInfo(bufferSource(bytes), bytes.byteLength)
}

async function stillInfo(src: ByteSource, bytes: number): Promise<MediaInfo | null> {
  const head = await readHead(src)
  const type = await detectMedia(head)
  if (type?.kind !== 'image') return null
  const size = await imageSize(type.mime, head, src, bytes)
  if (!size) return null
  return { mime: type.mime, ...size, durationSec: null, fps: null, hasAudio: false, videoCodec: STILL_CODEC_OF[type.mime] ?? null, audioCodec: null, bytes }
}

const STILL_CODEC_OF: Record<string, string> = Object.fromEntries(Object.entries(STILL_CODECS).map(([codec, mime]) => [mime, codec]))

export async function probeMedia(file: string, signal?: AbortSignal): Promise<MediaInfo> {
  const { size } = await stat(file)
  const fromHeader = await probeStill(file, size)
  if (fromHeader) return fromHeader
  const { stdout } = await runFfprobe(['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file], {
    signal,
    timeoutMs: 30_000,
    maxStdoutBytes: 4 * 1024 * 1024,
  })
  const parsed = JSON.parse(stdout.toString('utf8')) as { streams?: FfStream[]; format?: FfFormat }
  const streams = parsed.streams ?? []
  const format = parsed.format ?? {}
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic) ?? streams.find((s) => s.codec_type === 'video')
  const audio = streams.find((s) => s.codec_type === 'audio')
  // The bytes decide what ffprobe names but we do not map.
  const mime = mimeFromProbe(format, video, audio) ?? (await detectMediaOf(file))?.mime ?? 'application/octet-stream'
  const still = mime.startsWith('image/')
  return {
    mime,
    width: video?.width ?? null,
    height: video?.height ?? null,
    durationSec: still ? null : (num(format.duration) ?? num(video?.duration) ?? num(audio?.duration)),
    fps: still || !video ? null : rate(video.r_frame_rate),
    hasAudio: audio !== undefined,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    bytes: size,
  }
}

async function detectMediaOf(file: string) {
  const fh = await open(file, 'r')
  try {
    return await detectMedia(await readHead(fh))
  } finally {
    await fh.close()
  }
}
