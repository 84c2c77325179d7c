import type { AddressInfo } from 'node:net'
import { PNG } from 'pngjs'
import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startMediaServer, type MediaServer } from '../support/media-server.js'

let h: Harness
let base: string
let files: MediaServer
const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })

beforeAll(async () => {
  // Reference URLs are fetched at submit, from real files on loopback.
  files = await startMediaServer()
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  h.rt.worker.start()
})
afterAll(async () => {
  await h.close()
  await files.close()
})

async function waitUntilDone(c: OpenAI, id: string): Promise<OpenAI.Videos.Video> {
  const statuses = new Set<string>()
  for (let i = 0; i < 600; i++) {
    const v = await c.videos.retrieve(id)
    statuses.add(v.status)
    expect(['queued', 'in_progress', 'completed', 'failed']).toContain(v.status)
    if (v.status === 'completed' || v.status === 'failed') return v
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`video ${id} did not finish; saw ${[...statuses].join(', ')}`)
}

const usageOf = async (auth: Record<string, string>) => (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()

/** A first frame big enough for Seedance (≥ 400 px on the short side). */
function samplePng(): Buffer {
  const png = new PNG({ width: 640, height: 400 })
  png.data.fill(180)
  return PNG.sync.write(png)
}

describe('request mapping (worker paused: nothing here needs rendering)', () => {
  beforeAll(async () => {
    await h.rt.worker.stop(1_000)
  })
  afterAll(async () => {
    await h.cancelUnfinished()
    h.rt.worker.start()
  })

  it('defaults follow OpenAI: 4 seconds at 720x1280 (portrait) on the sora-2 equivalent', async () => {
    const c = await h.customer(10_000, 'pro')
    const v = await client(c.key).videos.create({ prompt: 'waves rolling onto a beach' })
    expect(v).toMatchObject({ model: 'seedance-2.0-fast', seconds: '4', size: '720x1280', status: 'queued' })
    const job = (await h.rt.jobs.get(c.account.id, v.id.replace(/^video_/, 'job_')))!
    expect(job.params).toMatchObject({ durationSec: 4, aspectRatio: '9:16', resolution: '720p' })
    await client(c.key).videos.delete(v.id)
  })

  it.each([
    ['sora-2-pro', '1792x1024', '8', 'seedance-2.0', '16:9', '1080p', '1920x1080'],
    ['sora-2-pro-2025-10-06', '1024x1792', '12', 'seedance-2.0', '9:16', '1080p', '1080x1920'],
    ['sora-2-2025-12-08', '720x1280', '8', 'seedance-2.0-fast', '9:16', '720p', '720x1280'],
    ['seedance-2.0', '854x480', '6', 'seedance-2.0', '16:9', '480p', '854x480'],
    ['seedance-1.5-pro', '960x960', '10', 'seedance-1.5-pro', '1:1', '1080p', '1080x1080'],
  ])('model %s, size %s, seconds %s → %s at %s %s', async (model, size, seconds, ours, ratio, resolution, shown) => {
    const c = await h.customer(100_000, 'pro')
    const v = await client(c.key).videos.create({ model, size: size as '720x1280', seconds: seconds as '4', prompt: 'a slow pan across a mountain lake' })
    expect(v).toMatchObject({ model: ours, seconds, size: shown })
    const job = (await h.rt.jobs.get(c.account.id, v.id.replace(/^video_/, 'job_')))!
    expect(job.params).toMatchObject({ durationSec: Number(seconds), aspectRatio: ratio, resolution })
    // Not waited for: cancel it so the worker does not render it.
    await client(c.key).videos.delete(v.id)
  })

  it('input_reference as {image_url} (multipart input_reference[image_url]) is passed as the first frame URL', async () => {
    const c = await h.customer(10_000, 'pro')
    const v = await client(c.key).videos.create({ prompt: 'the statue turns its head', input_reference: { image_url: files.url('red-640x480.png', 'statue.png') } })
    const job = (await h.rt.jobs.get(c.account.id, v.id.replace(/^video_/, 'job_')))!
    expect(job.params).toMatchObject({ firstFrameUrl: files.url('red-640x480.png', 'statue.png') })
    await client(c.key).videos.delete(v.id)
  })
})

describe('OpenAI videos through the official SDK', () => {
  it('create → retrieve until completed → downloadContent gives the MP4', async () => {
    const c = await h.customer(10_000, 'pro')
    const sdk = client(c.key)
    const created = await sdk.videos.create({ model: 'sora-2', prompt: 'a paper plane glides over a city at dawn', seconds: '4', size: '1280x720' })
    expect(created).toEqual({
      id: expect.stringMatching(/^video_[0-9a-z]{26}$/),
      object: 'video',
      model: 'seedance-2.0-fast',
      status: 'queued',
      progress: 0,
      created_at: expect.any(Number),
      completed_at: null,
      expires_at: null,
      error: null,
      prompt: 'a paper plane glides over a city at dawn',
      seconds: '4',
      size: '1280x720',
      remixed_from_video_id: null,
    })
    // seedance-2.0-fast: 4 s × 32 credits at 720p, held while it runs
    expect(await usageOf(c.auth)).toMatchObject({ balance: 10_000 })
    const done = await waitUntilDone(sdk, created.id)
    expect(done).toMatchObject({ id: created.id, status: 'completed', progress: 100, error: null, seconds: '4', size: '1280x720' })
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at)
    expect(await usageOf(c.auth)).toMatchObject({ balance: 10_000 - 128, reserved: 0 })

    const content = await sdk.videos.downloadContent(created.id)
    expect(content.headers.get('content-type')).toBe('video/mp4')
    const mp4 = Buffer.from(await content.arrayBuffer())
    expect(mp4.subarray(4, 8).toString()).toBe('ftyp')
    expect(Number(content.headers.get('content-length'))).toBe(mp4.length)
    const explicit = await sdk.videos.downloadContent(created.id, { variant: 'video' })
    expect(Buffer.from(await explicit.arrayBuffer()).equals(mp4)).toBe(true)
  })

  it('input_reference as an uploaded file becomes the first frame', async () => {
    const c = await h.customer(10_000, 'pro')
    const png = samplePng()
    const v = await client(c.key).videos.create({ prompt: 'the scene comes alive', input_reference: await toFile(png, 'first.png', { type: 'image/png' }) })
    const job = (await h.rt.jobs.get(c.account.id, v.id.replace(/^video_/, 'job_')))!
    const first = (job.params as { firstFrameUrl?: string }).firstFrameUrl!
    expect(new URL(first).pathname).toMatch(/^\/files\/uploads\/.+\.png$/)
    const stored = await fetch(`${base}${new URL(first).pathname}${new URL(first).search}`)
    expect(Buffer.from(await stored.arrayBuffer()).equals(png)).toBe(true)
    expect((await waitUntilDone(client(c.key), v.id)).status).toBe('completed')
  })

  it('lists only videos, newest first, in OpenAI cursor pages the SDK can auto-paginate', async () => {
    const c = await h.customer(100_000, 'pro')
    const sdk = client(c.key)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await sdk.videos.create({ prompt: `clip number ${i}` })).id)
    // An image job of the same account stays out of the list.
    await sdk.images.generate({ prompt: 'not a video' })
    const page = await sdk.videos.list({ limit: 2 })
    expect(page.data.map((v) => v.id)).toEqual([ids[2], ids[1]])
    expect(page.has_more).toBe(true)
    expect(page.last_id).toBe(ids[1])
    const raw = await (await fetch(`${base}/v1/videos?limit=2`, { headers: { authorization: `Bearer ${c.key}` } })).json()
    expect(raw).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[1], has_more: true })
    const all: string[] = []
    for await (const v of sdk.videos.list({ limit: 2 })) all.push(v.id)
    expect(all).toEqual([...ids].reverse())
    const after = await sdk.videos.list({ after: ids[2]!, order: 'desc' })
    expect(after.data.map((v) => v.id)).toEqual([ids[1], ids[0]])
    expect(after.has_more).toBe(false)
    const empty = await (await fetch(`${base}/v1/videos`, { headers: { authorization: `Bearer ${(await h.customer()).key}` } })).json()
    expect(empty).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false })
  })

  it('delete removes the video: later reads are 404 and the native job is gone too', async () => {
    const c = await h.customer(10_000, 'pro')
    const sdk = client(c.key)
    const v = await sdk.videos.create({ prompt: 'a candle flickers in the dark' })
    await waitUntilDone(sdk, v.id)
    expect(await sdk.videos.delete(v.id)).toEqual({ id: v.id, object: 'video.deleted', deleted: true })
    await expect(sdk.videos.retrieve(v.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    await expect(sdk.videos.downloadContent(v.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    expect((await h.app.inject({ method: 'GET', url: `/v1/jobs/${v.id.replace('video_', 'job_')}`, headers: c.auth })).statusCode).toBe(404)
    expect((await sdk.videos.list()).data).toEqual([])
  })

  it('delete of an unfinished video cancels it and releases its hold', async () => {
    const c = await h.customer(10_000, 'pro')
    await h.rt.worker.stop(1_000)
    try {
      const v = await client(c.key).videos.create({ prompt: 'a kite in strong wind' })
      expect(await usageOf(c.auth)).toMatchObject({ reserved: 128 })
      expect(await client(c.key).videos.delete(v.id)).toMatchObject({ deleted: true })
      expect(await usageOf(c.auth)).toMatchObject({ balance: 10_000, reserved: 0 })
    } finally {
      h.rt.worker.start()
    }
  })

  it('content is 400 until the video is completed; thumbnail and spritesheet variants are 404', async () => {
    const c = await h.customer(10_000, 'pro')
    const sdk = client(c.key)
    await h.rt.worker.stop(1_000)
    let id: string
    try {
      id = (await sdk.videos.create({ prompt: 'a hot air balloon rises' })).id
      const early = (await sdk.videos.downloadContent(id).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
      expect(early).toBeInstanceOf(OpenAI.BadRequestError)
      expect(early.message).toMatch(/queued/)
    } finally {
      h.rt.worker.start()
    }
    await waitUntilDone(sdk, id)
    for (const variant of ['thumbnail', 'spritesheet'] as const) {
      const e = (await sdk.videos.downloadContent(id, { variant }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
      expect(e).toBeInstanceOf(OpenAI.NotFoundError)
      expect(e.param).toBe('variant')
    }
  })

  it('reads across dialects: a native video job in the video shape, an OpenAI video natively; image jobs are not videos', async () => {
    const c = await h.customer(10_000, 'pro')
    const sdk = client(c.key)
    const native = await h.app.inject({
      method: 'POST',
      url: '/v1/videos/generate',
      headers: { ...c.auth, 'idempotency-key': 'native-video-1' },
      payload: { prompt: 'cinematic drone shot over a futuristic city', size: '16:9_SMALL', duration: 5 },
    })
    const jobId = native.json().jobId as string
    const viaOpenAI = await waitUntilDone(sdk, jobId.replace('job_', 'video_'))
    expect(viaOpenAI).toMatchObject({ id: jobId.replace('job_', 'video_'), status: 'completed', seconds: '5', size: '854x480', model: 'seedance-2.0-fast' })
    // The plain job id is accepted too.
    expect((await sdk.videos.retrieve(jobId)).id).toBe(viaOpenAI.id)

    const mine = await sdk.videos.create({ prompt: 'rain on a window at night' })
    await waitUntilDone(sdk, mine.id)
    const nativeView = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${mine.id.replace('video_', 'job_')}`, headers: c.auth })).json()
    expect(nativeView).toMatchObject({ status: 'succeeded', type: 'video', model: 'seedance-2.0-fast' })

    const image = await sdk.images.generate({ prompt: 'a still life with pears' }).withResponse()
    const imageId = image.response.headers.get('x-reelay-job-id')!
    for (const id of [imageId, imageId.replace('job_', 'video_')]) {
      const e = (await sdk.videos.retrieve(id).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
      expect(e).toBeInstanceOf(OpenAI.NotFoundError)
      expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' })
    }
    await expect(sdk.videos.delete(imageId.replace('job_', 'video_'))).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    // Another account sees nothing.
    const other = client((await h.customer()).key)
    await expect(other.videos.retrieve(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('runs the documented curl example (JSON body) as is', async () => {
    const c = await h.customer(10_000, 'pro')
    const res = await fetch(`${base}/v1/videos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'sora-2', prompt: 'a corgi surfing a small wave, golden hour', seconds: '8', size: '1280x720' }),
    })
    expect(res.status).toBe(200)
    const v = (await res.json()) as OpenAI.Videos.Video
    expect(v).toMatchObject({ object: 'video', status: 'queued', seconds: '8', size: '1280x720' })
    // And the multipart form the curl example for -F shows.
    const form = new FormData()
    form.set('prompt', 'a corgi surfing a small wave, golden hour')
    form.set('seconds', '4')
    form.set('size', '720x1280')
    const res2 = await fetch(`${base}/v1/videos`, { method: 'POST', headers: { Authorization: `Bearer ${c.key}` }, body: form })
    expect(res2.status).toBe(200)
    const v2 = (await res2.json()) as OpenAI.Videos.Video
    expect(v2).toMatchObject({ object: 'video', seconds: '4', size: '720x1280' })
    for (const id of [v.id, v2.id]) await client(c.key).videos.delete(id)
  })
})
