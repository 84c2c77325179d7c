import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeMedia, probeStillBytes } from '../../src/media/probe.js'
import { runFfmpeg, runFfprobe } from '../../src/media/run-ffmpeg.js'

// Stills are sized from their header bytes, without ffprobe: the answer must be ffprobe's.
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reelay-image-size-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function still(name: string, size: string, codecArgs: string[] = []): Promise<string> {
  const file = path.join(dir, name)
  await runFfmpeg(['-y', '-v', 'error', '-f', 'lavfi', '-i', `color=c=teal:s=${size}`, '-frames:v', '1', ...codecArgs, file])
  return file
}

async function ffprobeSize(file: string): Promise<{ width: number; height: number }> {
  const { stdout } = await runFfprobe(['-v', 'error', '-print_format', 'json', '-show_streams', file])
  const s = (JSON.parse(stdout.toString('utf8')) as { streams: { width: number; height: number }[] }).streams[0]!
  return { width: s.width, height: s.height }
}

describe('probeMedia on stills', () => {
  it.each([
    ['png', 'a.png', '38x24', [], 'image/png', 'png'],
    ['jpeg', 'a.jpg', '640x478', [], 'image/jpeg', 'mjpeg'],
    ['gif', 'a.gif', '300x16', [], 'image/gif', 'gif'],
    ['lossy webp', 'a.webp', '1022x510', ['-c:v', 'libwebp'], 'image/webp', 'webp'],
    ['lossless webp', 'b.webp', '998x332', ['-c:v', 'libwebp', '-lossless', '1'], 'image/webp', 'webp'],
  ] as const)('%s: the size ffprobe reads, as a still', async (_label, name, size, args, mime, codec) => {
    const file = await still(name, size, [...args])
    const info = await probeMedia(file)
    expect(info).toMatchObject({ mime, ...(await ffprobeSize(file)), durationSec: null, fps: null, hasAudio: false, videoCodec: codec, audioCodec: null })
    expect(`${info.width}x${info.height}`).toBe(size)
  })

  it('a JPEG whose frame header sits past a 20 KB metadata segment', async () => {
    const plain = await readFile(await still('c.jpg', '320x200'))
    const app = Buffer.alloc(20_000, 0x20)
    app.writeUInt16BE(0xffe1, 0)
    app.writeUInt16BE(app.length - 2, 2)
    const file = path.join(dir, 'padded.jpg')
    await writeFile(file, Buffer.concat([plain.subarray(0, 2), app, plain.subarray(2)]))
    expect(await ffprobeSize(file)).toEqual({ width: 320, height: 200 })
    expect(await probeMedia(file)).toMatchObject({ mime: 'image/jpeg', width: 320, height: 200 })
  })

  it('a still cut off after its header is left to ffprobe, which finds no picture in it', async () => {
    const whole = await readFile(await still('d.png', '640x480'))
    const file = path.join(dir, 'cut.png')
    await writeFile(file, whole.subarray(0, 64))
    // Not the 640×480 its header claims: intake refuses a still without a size (references tests).
    expect(await probeMedia(file)).toMatchObject({ mime: 'image/png', width: 0 })
  })

  it('a video is still probed by ffprobe', async () => {
    const file = path.join(dir, 'v.mp4')
    await runFfmpeg(['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=10', '-t', '1', '-pix_fmt', 'yuv420p', file])
    expect(await probeMedia(file)).toMatchObject({ mime: 'video/mp4', width: 64, height: 48, durationSec: 1, fps: 10 })
  })

  it('bytes in memory (an inline upstream image) get the same answer as their file, and anything but a whole still gets null', async () => {
    for (const [name, size] of [
      ['m.png', '38x24'],
      ['m.jpg', '640x478'],
      ['m.gif', '300x16'],
    ] as const) {
      const file = await still(name, size)
      const bytes = await readFile(file)
      expect(await probeStillBytes(bytes)).toEqual(await probeMedia(file))
      // Cut short, the file is ffprobe's to judge: from memory there is no answer.
      expect(await probeStillBytes(bytes.subarray(0, bytes.length - 20))).toBeNull()
    }
    const video = path.join(dir, 'm.mp4')
    await runFfmpeg(['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=10', '-t', '1', '-pix_fmt', 'yuv420p', video])
    expect(await probeStillBytes(await readFile(video))).toBeNull()
  })
})
