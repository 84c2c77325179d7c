import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeMedia } from '../../../src/media/probe.js'
import { runFfprobe } from '../../../src/media/run-ffmpeg.js'
import { upscaleVideo } from '../../../src/media/upscale.js'
import { renderVideo } from '../../../src/providers/studio/render-video.js'

let dir: string
let withAudio: string
let silent: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reelay-video-'))
  withAudio = path.join(dir, 'with-audio.mp4')
  silent = path.join(dir, 'silent.mp4')
  const base = { prompt: 'waves on a beach', seed: 7, width: 320, height: 180, durationSec: 4 }
  await Promise.all([renderVideo({ ...base, audio: true, outPath: withAudio }), renderVideo({ ...base, audio: false, outPath: silent })])
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function videoFrames(file: string): Promise<number> {
  const { stdout } = await runFfprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=nb_frames', '-of', 'csv=p=0', file])
  return Number(stdout.toString().trim())
}

describe('renderVideo', () => {
  it('writes an H.264 MP4 with AAC audio at the exact size, 24 fps and duration', async () => {
    const info = await probeMedia(withAudio)
    expect(info).toMatchObject({ mime: 'video/mp4', width: 320, height: 180, fps: 24, videoCodec: 'h264', hasAudio: true, audioCodec: 'aac' })
    expect(Math.abs(info.durationSec! - 4)).toBeLessThanOrEqual(0.1)
    expect(await videoFrames(withAudio)).toBe(96)
    const head = await readFile(withAudio)
    // +faststart: the moov atom precedes mdat.
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'))
  })

  it('has no audio stream when audio is off', async () => {
    const info = await probeMedia(silent)
    expect(info).toMatchObject({ mime: 'video/mp4', width: 320, height: 180, fps: 24, videoCodec: 'h264', hasAudio: false, audioCodec: null })
    expect(Math.abs(info.durationSec! - 4)).toBeLessThanOrEqual(0.1)
  })

  it('is byte-identical for the same seed and differs for another', async () => {
    const base = { prompt: 'waves on a beach', width: 160, height: 90, durationSec: 1, audio: true }
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, `det-${n}.mp4`))
    await Promise.all([
      renderVideo({ ...base, seed: 1, outPath: files[0]! }),
      renderVideo({ ...base, seed: 1, outPath: files[1]! }),
      renderVideo({ ...base, seed: 2, outPath: files[2]! }),
    ])
    const [a, b, c] = await Promise.all(files.map((f) => readFile(f)))
    expect(a!.equals(b!)).toBe(true)
    expect(a!.equals(c!)).toBe(false)
  })

  it('rejects odd sizes and stops on abort without leaving files', async () => {
    const opts = { prompt: 'x', seed: 1, width: 321, height: 180, durationSec: 1, audio: false, outPath: path.join(dir, 'odd.mp4') }
    await expect(renderVideo(opts)).rejects.toThrow(RangeError)
    const ac = new AbortController()
    const outPath = path.join(dir, 'aborted.mp4')
    const run = renderVideo({ ...opts, width: 1280, height: 720, durationSec: 60, outPath, signal: ac.signal })
    setTimeout(() => ac.abort(new Error('cancelled')), 300)
    await expect(run).rejects.toThrow('cancelled')
    expect((await readdir(dir)).filter((f) => f.startsWith('aborted'))).toEqual([])
  })
})

describe('upscaleVideo', () => {
  it('resizes to the requested size and keeps the audio', async () => {
    const out = path.join(dir, 'up.mp4')
    await upscaleVideo(withAudio, out, 480, 270)
    const info = await probeMedia(out)
    expect(info).toMatchObject({ mime: 'video/mp4', width: 480, height: 270, fps: 24, videoCodec: 'h264', hasAudio: true, audioCodec: 'aac' })
    expect(Math.abs(info.durationSec! - 4)).toBeLessThanOrEqual(0.1)
  })

  it('works without an audio track', async () => {
    const out = path.join(dir, 'up-silent.mp4')
    await upscaleVideo(silent, out, 400, 224)
    expect(await probeMedia(out)).toMatchObject({ width: 400, height: 224, hasAudio: false })
  })
})
