import { mkdtempSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { mediaFixtures, startMediaServer, type MediaServer } from '../support/media-server.js'
import { startFakeArk, type FakeArk } from '../support/fakes/ark-server.js'
import { readStored } from '../../src/storage/read-all.js'

let files: Record<string, Buffer>
let media: MediaServer
beforeAll(async () => {
  files = await mediaFixtures()
  media = await startMediaServer(files)
})
afterAll(() => media.close())

let h: Harness | undefined
let ark: FakeArk | undefined
afterEach(async () => {
  await h?.close()
  await ark?.close()
  h = ark = undefined
})

type Auth = Record<string, string>
let n = 0
const video = (harness: Harness, auth: Auth, body: Record<string, unknown>) =>
  harness.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `refs-${++n}` }, payload: JSON.stringify({ prompt: 'a quiet harbour', ...body }) })

const inputsOf = (harness: Harness, jobId: string) => harness.rt.store.db.selectFrom('jobInputs').selectAll().where('jobId', '=', jobId).orderBy('slot').orderBy('idx').execute()

describe('reference intake', () => {
  it('stores each reference as a job input with its content hash and probe facts', async () => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const c = await h.customer(10_000)
    const res = await video(h, c.auth, { referenceImages: [media.url('green-800x600.jpg')], referenceVideos: [media.url('clip-3s.mp4')], referenceAudios: [media.url('tone-3s.mp3')] })
    expect(res.statusCode, res.body).toBe(202)
    const rows = await inputsOf(h, res.json().jobId)
    expect(rows.map((r) => [r.slot, r.idx, r.kind, r.mime])).toEqual([
      ['referenceAudioUrls', 0, 'audio', 'audio/mpeg'],
      ['referenceImageUrls', 0, 'image', 'image/jpeg'],
      ['referenceVideoUrls', 0, 'video', 'video/mp4'],
    ])
    const image = rows[1]!
    expect(image).toMatchObject({ width: 800, height: 600, bytes: files['green-800x600.jpg']!.length })
    expect(Number(rows[2]!.durationMs)).toBeGreaterThan(2_900)
    // The stored copy is the fetched bytes, under their hash.
    expect(image.storageKey).toBe(`inputs/${image.sha256}.jpg`)
    expect(await readStored(h.rt.storage, image.storageKey)).toEqual(files['green-800x600.jpg'])
  })

  it('does not download the same URL twice within the cache window, and does again after it', async () => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_REFERENCE_CACHE_SECONDS: '60' } })
    const c = await h.customer(10_000)
    const url = media.url('red-640x480.png', 'dedupe/one')
    expect((await video(h, c.auth, { referenceImage: url })).statusCode).toBe(202)
    expect((await video(h, c.auth, { referenceImage: url })).statusCode).toBe(202)
    expect(media.hits('/dedupe/one')).toBe(1)
    h.clock.advance(61_000)
    expect((await video(h, c.auth, { referenceImage: url })).statusCode).toBe(202)
    expect(media.hits('/dedupe/one')).toBe(2)
  })

  it('an idempotent replay downloads nothing', async () => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_REFERENCE_CACHE_SECONDS: '0' } })
    const c = await h.customer(10_000)
    const body = JSON.stringify({ prompt: 'a quiet harbour', referenceImage: media.url('red-640x480.png', 'replay/one') })
    const send = () => h!.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...c.auth, 'content-type': 'application/json', 'idempotency-key': 'replay-1' }, payload: body })
    const first = await send()
    const again = await send()
    expect(again.json().jobId).toBe(first.json().jobId)
    expect(media.hits('/replay/one')).toBe(1)
  })

  it('deletes the inputs with the job, keeping an object another job still uses', async () => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const c = await h.customer(10_000)
    const a = (await video(h, c.auth, { referenceImage: media.url('red-640x480.png'), referenceImages: undefined })).json().jobId
    const b = (await video(h, c.auth, { referenceImage: media.url('red-640x480.png', 'same/bytes') })).json().jobId
    await h.rt.worker.drain()
    const [row] = await inputsOf(h, a)
    const key = row!.storageKey
    await h.rt.jobs.remove(c.account.id, a)
    expect(await inputsOf(h, a)).toEqual([])
    expect(await readStored(h.rt.storage, key)).not.toBeNull()
    await h.rt.jobs.remove(c.account.id, b)
    expect(await readStored(h.rt.storage, key)).toBeNull()
  })

  it('a refused request leaves no stored input behind', async () => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const c = await h.customer(10)
    const res = await video(h, c.auth, { referenceImage: media.url('blue-640x480.png') })
    expect(res.json().error.code).toBe('insufficient_credits')
    const stored = await h.rt.storage.open(`inputs/${(await import('node:crypto')).createHash('sha256').update(files['blue-640x480.png']!).digest('hex')}.png`)
    expect(stored).toBeNull()
  })
})

describe('fetch concurrency', () => {
  /** A server that answers every request after `delayMs` and records the most it held at once. */
  async function slowServer(delayMs: number) {
    let inFlight = 0
    let most = 0
    const server = http.createServer((req, res) => {
      inFlight++
      most = Math.max(most, inFlight)
      setTimeout(() => {
        inFlight--
        res.writeHead(200).end(files['red-640x480.png'])
      }, delayMs)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return { origin, most: () => most, close: () => new Promise<void>((r) => server.close(() => r())) }
  }

  it.each([
    ['fetches one request’s references in parallel', '8', 3],
    ['holds one account to REELAY_REFERENCE_ACCOUNT_CONCURRENCY', '1', 1],
  ])('%s', async (_name, perAccount, expected) => {
    const slow = await slowServer(150)
    try {
      h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_REFERENCE_ACCOUNT_CONCURRENCY: perAccount } })
      const c = await h.customer(10_000)
      const res = await video(h, c.auth, { referenceImages: [1, 2, 3].map((i) => `${slow.origin}/img-${i}`) })
      expect(res.statusCode, res.body).toBe(202)
      expect(slow.most()).toBe(expected)
    } finally {
      await slow.close()
    }
  })
})

describe('count rules (checked before anything is fetched)', () => {
  const img = () => media.url('red-640x480.png')
  type Body = () => Record<string, unknown>
  const cases: [string, string, Body, string, RegExp][] = [
    ['002: 3 urls in keyframe mode (1 for i2v, 2 for keyframes)', '/api/v1/jobs/createTask', () => ({ model: 'seedance2', inputs: { prompt: 'p p p', urls: [img(), img(), img()] } }), 'inputs.urls', /at most 2 items in keyframe mode/],
    ['002: 10 reference images', '/api/v1/jobs/createTask', () => ({ model: 'seedance2', inputs: { prompt: 'p p p', videoInputMode: 'reference', urls: Array(10).fill(img()) } }), 'inputs.urls', /at most 9 items/],
    ['002: 4 reference videos', '/api/v1/jobs/createTask', () => ({ model: 'seedance2', inputs: { prompt: 'p p p', videoInputMode: 'reference', videoUrls: Array(4).fill(img()) } }), 'inputs.videoUrls', /at most 3 items/],
    ['002: 4 reference audio', '/api/v1/jobs/createTask', () => ({ model: 'seedance2', inputs: { prompt: 'p p p', videoInputMode: 'reference', urls: [img()], audioUrls: Array(4).fill(img()) } }), 'inputs.audioUrls', /at most 3 items/],
    ['002: 13 references in all', '/api/v1/jobs/createTask', () => ({ model: 'seedance2', inputs: { prompt: 'p p p', videoInputMode: 'reference', urls: Array(9).fill(img()), videoUrls: Array(3).fill(img()), audioUrls: [img()] } }), 'inputs.urls', /total at most 12/],
    ['001: 13 media_urls', '/api/v1/video/seedance', () => ({ prompt: 'p p p', mode: 'media-to-video', media_urls: Array(13).fill(img()) }), 'media_urls', /at most 12/],
    ['001: 10 images among media_urls', '/api/v1/video/seedance', () => ({ prompt: 'p p p', mode: 'media-to-video', media_urls: Array(10).fill(img()) }), 'media_urls', /\(image URLs\) must have at most 9/],
    ['001: 4 videos among media_urls', '/api/v1/video/seedance', () => ({ prompt: 'p p p', mode: 'media-to-video', media_urls: [img(), ...Array(4).fill(media.url('clip-3s.mp4'))] }), 'media_urls', /\(video URLs\) must have at most 3/],
    ['001: only audio among media_urls', '/api/v1/video/seedance', () => ({ prompt: 'p p p', mode: 'media-to-video', media_urls: [media.url('tone-3s.mp3')] }), 'media_urls', /\(audio URLs\) needs at least one reference image or video/],
    ['001: 11 imageUrls', '/api/v1/image/gpt-image-2', () => ({ prompt: 'p p p', type: 'image-to-image', aspectRatio: '1:1', resolution: '1K', imageUrls: Array(11).fill(img()) }), 'imageUrls', /at most 10/],
    ['001: 9 image_urls', '/api/v1/image/nano-banana-pro', () => ({ prompt: 'p p p', type: 'image-to-image', image_urls: Array(9).fill(img()) }), 'image_urls', /at most 8/],
    ['000: 10 referenceImages', '/v1/videos/generate', () => ({ prompt: 'p p p', referenceImages: Array(10).fill(img()) }), 'referenceImages', /at most 9/],
    ['OpenAI: 11 edit images for gpt-image-2', '/v1/images/edits', () => ({ prompt: 'p p p', images: Array(11).fill({ image_url: img() }) }), 'images', /at most 10/],
  ]
  it.each(cases)('%s', async (name, url, body, field, rule) => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const c = await h.customer(5_000)
    const before = media.hits('/f/red-640x480.png')
    const res = await h.app.inject({ method: 'POST', url, headers: { ...c.auth, 'content-type': 'application/json', 'idempotency-key': `count-${++n}` }, payload: JSON.stringify(body()) })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.body).toContain(field)
    expect(res.body).toMatch(rule)
    // Only media_urls need their bytes before their kinds can be counted.
    if (!name.includes('among media_urls')) expect(media.hits('/f/red-640x480.png')).toBe(before)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 5_000, reserved: 0 })
  })
})

describe('upstream channels', () => {
  it('receive signed links to the stored copies, never the customer’s URL', async () => {
    const mp4 = files['clip-3s.mp4']!
    ark = await startFakeArk({ video: mp4, getsPerStep: 1 })
    const dir = mkdtempSync(path.join(tmpdir(), 'channels-'))
    const file = path.join(dir, 'channels.json')
    writeFileSync(file, JSON.stringify({ channels: [{ id: 'ark', provider: 'ark', baseUrl: ark.url, apiKeyEnv: 'ARK_KEY', models: { 'seedance-2.0': 'dreamina-seedance-2-0-260128' } }] }))
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_CHANNELS_FILE: file, ARK_KEY: ark.apiKey } })
    const c = await h.customer(10_000)
    const customerUrl = media.url('red-640x480.png', 'private/customer-asset')
    expect((await video(h, c.auth, { model: 'seedance-2.0', referenceImage: customerUrl })).statusCode).toBe(202)
    await h.rt.worker.drain()
    const sent = ark.requests.find((r) => r.method === 'POST')?.body as { content: { type: string; image_url?: { url: string } }[] }
    const link = sent.content.find((x) => x.type === 'image_url')!.image_url!.url
    expect(link).not.toContain('customer-asset')
    expect(link).toMatch(new RegExp(`^${h.config.publicUrl}/files/inputs/[0-9a-f]{64}\\.png\\?expires=\\d+&signature=`))
    // The link serves the stored bytes.
    const u = new URL(link)
    const got = await h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })
    expect(got.statusCode).toBe(200)
    expect(got.rawPayload).toEqual(files['red-640x480.png'])
  })
})
