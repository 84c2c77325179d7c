import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { detectMedia, type MediaKind } from '../../media/mime.js'
import { probeMedia } from '../../media/probe.js'
import { ReferenceProblem } from './fetch.js'
import { Gate } from './gate.js'

/** What a reference is, from its bytes and a probe. */
export const KIND_NAMES: Record<MediaKind | 'any', string> = { image: 'an image', video: 'a video', audio: 'an audio file', any: 'an image, video or audio file' }

export interface InspectedMedia {
  kind: MediaKind
  mime: string
  ext: string
  width: number | null
  height: number | null
  durationSec: number | null
  videoCodec: string | null
  hasAudio: boolean
}

const NAMES = KIND_NAMES

/** Decides the kind from the bytes, then probes; ffprobe runs as a child process, a few at once. */
export function createInspector(opts: { tmpDir: string; concurrency: number }) {
  const gate = new Gate(opts.concurrency)

  return async function inspect(bytes: Buffer, want: MediaKind | 'any'): Promise<InspectedMedia> {
    const type = await detectMedia(bytes)
    if (!type) throw new ReferenceProblem('invalid', `must be ${NAMES[want]} (its content is not a known media format)`)
    const file = path.join(opts.tmpDir, `ref-${randomUUID()}.${type.ext}`)
    try {
      const info = await gate.run(async () => {
        await writeFile(file, bytes)
        return probeMedia(file)
      })
      // An MP4 or MOV without a picture is audio (M4A); one with only a cover image is too.
      const kind: MediaKind = type.kind === 'video' && (!info.videoCodec || info.mime === 'audio/mp4') ? 'audio' : type.kind
      const mime = kind === 'audio' && type.kind === 'video' ? 'audio/mp4' : type.mime
      if (kind === 'image' ? !info.width || !info.height : info.durationSec === null) throw new ReferenceProblem('invalid', `must be ${NAMES[want]} that can be read (the file is damaged or truncated)`)
      return { kind, mime, ext: type.ext, width: info.width, height: info.height, durationSec: info.durationSec, videoCodec: info.videoCodec, hasAudio: info.hasAudio }
    } catch (err) {
      if (err instanceof ReferenceProblem) throw err
      // ffprobe refused it: the magic bytes promise a format the rest of the file does not hold.
      throw new ReferenceProblem('invalid', `must be ${NAMES[want]} that can be read (the file is damaged or truncated)`)
    } finally {
      await rm(file, { force: true })
    }
  }
}

export type Inspector = ReturnType<typeof createInspector>
