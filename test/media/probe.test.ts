import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegPath, ffprobePath } from '../../src/media/binaries.js'
import { probeMedia } from '../../src/media/probe.js'
import { runFfmpeg } from '../../src/media/run-ffmpeg.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reelay-probe-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('binaries', () => {
  it('resolves ffmpeg and ffprobe once', () => {
    expect(ffmpegPath()).toMatch(/ffmpeg(\.exe)?$/)
    expect(ffprobePath()).toMatch(/ffprobe(\.exe)?$/)
    expect(ffmpegPath()).toBe(ffmpegPath())
  })
})

describe('runFfmpeg', () => {
  it('rejects with the tail of stderr on a non-zero exit', async () => {
    await expect(runFfmpeg(['-i', path.join(dir, 'missing.mp4'), '-f', 'null', '-'])).rejects.toThrow(/ffmpeg exited with 1: .*missing\.mp4/)
  })

  it('honours an abort signal and a timeout', async () => {
    const endless = ['-f', 'lavfi', '-i', 'testsrc2=s=64x64:r=24', '-f', 'null', '-']
    const ac = new AbortController()
    const run = runFfmpeg(endless, { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('stop')), 200)
    await expect(run).rejects.toThrow('stop')
    await expect(runFfmpeg(endless, { timeoutMs: 200 })).rejects.toThrow(/timed out/)
  })
})

describe('probeMedia', () => {
  it('describes a WAV file', async () => {
    const file = path.join(dir, 'tone.wav')
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=1', '-y', file])
    const info = await probeMedia(file)
    expect(info).toMatchObject({ mime: 'audio/wav', width: null, height: null, hasAudio: true, videoCodec: null, fps: null })
    expect(info.durationSec).toBeCloseTo(1, 1)
  })

  it('fails clearly on a non-media file', async () => {
    const file = path.join(dir, 'junk.bin')
    await writeFile(file, 'not media at all')
    await expect(probeMedia(file)).rejects.toThrow(/ffprobe exited/)
  })
})
