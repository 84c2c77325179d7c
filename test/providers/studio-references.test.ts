import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startMediaServer, type MediaServer } from '../support/media-server.js'
import { probeMedia } from '../../src/media/probe.js'
import { runFfmpeg } from '../../src/media/run-ffmpeg.js'
import { readStored } from '../../src/storage/read-all.js'

let h: Harness
let media: MediaServer
let scratch: string

beforeAll(async () => {
  media = await startMediaServer()
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
  scratch = mkdtempSync(path.join(tmpdir(), 'studio-refs-'))
})
afterAll(async () => {
  await h?.close()
  await media?.close()
  rmSync(scratch, { recursive: true, force: true })
})

type Auth = Record<string, string>
const RED = [208, 32, 32]
const BLUE = [32, 64, 208]
let n = 0

async function post(auth: Auth, url: string, payload: unknown) {
  const res = await h.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `studio-ref-${++n}` }, payload: JSON.stringify(payload) })
  expect(res.statusCode, res.body).toBeLessThan(300)
}

/** Runs the account's one job through the studio and returns its first output as a local file. */
async function render(accountId: string): Promise<string> {
  await h.rt.worker.drain()
  const row = await h.rt.store.db.selectFrom('jobs').selectAll().where('accountId', '=', accountId).executeTakeFirstOrThrow()
  expect(row.status, row.errorDetail ?? '').toBe('succeeded')
  const out = (JSON.parse(row.outputs!) as { key: string }[])[0]!
  const bytes = await readStored(h.rt.storage, out.key)
  const file = path.join(scratch, `${row.id}-${path.basename(out.key)}`)
  writeFileSync(file, bytes as Buffer)
  return file
}

/** The mean colour of one frame: the first, or the last (`fromEnd`). */
async function meanColour(file: string, fromEnd = false): Promise<number[]> {
  const { stdout } = await runFfmpeg([...(fromEnd ? ['-sseof', '-0.2'] : []), '-i', file, '-vf', 'scale=1:1:flags=area', '-frames:v', '1', ...(fromEnd ? ['-update', '1'] : []), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { captureStdout: true, timeoutMs: 60_000 })
  return [...stdout.subarray(-3)]
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!))

describe('the studio renders what it is given', () => {
  it('image-to-video starts on the start frame and ends on the end frame', async () => {
    const c = await h.customer(10_000)
    await post(c.auth, '/v1/videos/generate', { prompt: 'from red to blue', duration: 4, resolution: '480p', referenceImage: media.url('red-640x480.png'), endImage: media.url('blue-640x480.png') })
    const file = await render(c.account.id)
    expect(distance(await meanColour(file), RED)).toBeLessThan(30)
    expect(distance(await meanColour(file, true), BLUE)).toBeLessThan(30)
  })

  it('image-to-image transforms the reference: two jobs differing only in it differ measurably', async () => {
    const colours: number[][] = []
    for (const ref of ['red-640x480.png', 'blue-640x480.png']) {
      const c = await h.customer(10_000)
      await post(c.auth, '/v1/images/generate', { prompt: 'the same prompt', seed: 7, referenceImage: media.url(ref) })
      colours.push(await meanColour(await render(c.account.id)))
    }
    // Each output stays close to its own reference and far from the other one.
    expect(distance(colours[0]!, RED)).toBeLessThan(distance(colours[0]!, BLUE))
    expect(distance(colours[1]!, BLUE)).toBeLessThan(distance(colours[1]!, RED))
    expect(distance(colours[0]!, colours[1]!)).toBeGreaterThan(60)
  })

  it('media-to-video composes the references and plays the reference audio as its soundtrack', async () => {
    const c = await h.customer(10_000)
    // 001 sorts media_urls by their bytes; no generated audio is asked for, so any sound is the reference's.
    await post(c.auth, '/api/v1/video/seedance', {
      prompt: 'compose these',
      mode: 'media-to-video',
      duration: '4',
      generate_audio: false,
      media_urls: [media.url('red-640x480.png', 'cdn/a1'), media.url('clip-3s.mp4', 'cdn/a2'), media.url('tone-3s.mp3', 'cdn/a3')],
    })
    const file = await render(c.account.id)
    const info = await probeMedia(file)
    expect(info).toMatchObject({ mime: 'video/mp4', hasAudio: true, audioCodec: 'aac' })
    expect(info.durationSec).toBeGreaterThan(3.9)
    // The first half is the reference image.
    expect(distance(await meanColour(file), RED)).toBeLessThan(30)
    // The test pattern of the reference video is in the second half: not red.
    expect(distance(await meanColour(file, true), RED)).toBeGreaterThan(60)
  })

  it('image-to-video jobs differing only in their start frame differ measurably', async () => {
    const colours: number[][] = []
    for (const ref of ['red-640x480.png', 'blue-640x480.png']) {
      const c = await h.customer(10_000)
      await post(c.auth, '/api/v1/jobs/createTask', { model: 'seedance2', inputs: { prompt: 'the same prompt', duration: '4s', urls: [media.url(ref)] } })
      colours.push(await meanColour(await render(c.account.id)))
    }
    expect(distance(colours[0]!, colours[1]!)).toBeGreaterThan(100)
  })
})
