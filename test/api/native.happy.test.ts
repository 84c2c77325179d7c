import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSdkHarness, type SdkHarness } from '../support/sdk.js'
import type { Job } from '../../packages/sdk/src/index.js'

let h: SdkHarness

beforeAll(async () => {
  h = await createSdkHarness()
})
afterAll(async () => {
  await h.close()
})

async function fetchFile(url: string) {
  const u = new URL(url)
  const res = await h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })
  return res
}

describe('native API happy path', () => {
  it('creates an image job exactly as the 000 example shows, then serves the PNG', async () => {
    const c = await h.customer(1_000)
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/images/generate',
      headers: { ...c.auth, 'idempotency-key': 'image-order-001', 'content-type': 'application/json' },
      payload: { prompt: 'cinematic product photo on a clean studio background', quality: 'LOW', size: '1:1_SMALL' },
    })
    expect(res.statusCode).toBe(202)
    const body = res.json()
    expect(body).toMatchObject({ ok: true, status: 'queued', type: 'image', model: 'gpt-image-2', chargedCredits: 20, idempotentReplay: false })
    expect(body.jobId).toMatch(/^job_[0-9a-z]{26}$/)

    const notReady = await h.app.inject({ method: 'GET', url: `/v1/jobs/${body.jobId}/result`, headers: c.auth })
    expect(notReady.statusCode).toBe(202)

    await h.rt.worker.drain()
    const job = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${body.jobId}`, headers: c.auth })).json()
    expect(job).toMatchObject({ ok: true, jobId: body.jobId, status: 'succeeded', progress: 100, chargedCredits: 20, error: null })
    expect(Date.parse(job.completedAt)).toBeGreaterThanOrEqual(Date.parse(job.createdAt))

    const result = await h.app.inject({ method: 'GET', url: `/v1/jobs/${body.jobId}/result`, headers: c.auth })
    expect(result.statusCode).toBe(200)
    const out = result.json().outputs
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ mimeType: 'image/png', width: 1024, height: 1024 })
    const file = await fetchFile(out[0].url)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('image/png')
    expect(file.rawPayload.subarray(0, 4).toString('hex')).toBe('89504e47')
    expect(file.rawPayload.length).toBe(out[0].size)

    const usage = (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()
    expect(usage).toMatchObject({ ok: true, balance: 980, reserved: 0, available: 980, plan: { id: 'default' }, limits: { maxActiveJobs: 3 } })
    expect(usage.usage.creditsUsed).toBe(20)
  })

  it('creates the 000 video example and stores an MP4 with audio of the right duration', async () => {
    const c = await h.customer(10_000)
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/videos/generate',
      headers: { ...c.auth, 'idempotency-key': 'video-order-001' },
      payload: { prompt: 'cinematic drone shot over a futuristic city', size: '16:9_SMALL', duration: 4, motionHasAudio: true },
    })
    expect(res.statusCode).toBe(202)
    // seedance-2.0-fast: 4 s × 32 credits × 0.5 at 480p
    expect(res.json()).toMatchObject({ type: 'video', model: 'seedance-2.0-fast', chargedCredits: 64 })
    await h.rt.worker.drain()
    const result = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${res.json().jobId}/result`, headers: c.auth })).json()
    expect(result.status).toBe('succeeded')
    const [video] = result.outputs
    expect(video).toMatchObject({ mimeType: 'video/mp4', width: 854, height: 480 })
    expect(video.duration).toBeCloseTo(4, 0)
    const ranged = await h.app.inject({ method: 'GET', url: new URL(video.url).pathname + new URL(video.url).search, headers: { range: 'bytes=0-99' } })
    expect(ranged.statusCode).toBe(206)
    expect(ranged.rawPayload.length).toBe(100)
    expect(ranged.rawPayload.subarray(4, 8).toString()).toBe('ftyp')
  })

  it('accepts the 000 video curl example exactly as written (15 s, 16:9_SMALL, audio)', async () => {
    const c = await h.customer(10_000)
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/videos/generate',
      headers: { ...c.auth, 'Idempotency-Key': 'video-order-001', 'Content-Type': 'application/json' },
      payload: '{\n"prompt": "cinematic drone shot over a futuristic city",\n"size": "16:9_SMALL",\n"duration": 15,\n"motionHasAudio": true\n}',
    })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toMatchObject({ ok: true, type: 'video', model: 'seedance-2.0-fast', chargedCredits: 240, idempotentReplay: false })
    await h.rt.worker.drain()
    const result = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${res.json().jobId}/result`, headers: c.auth })).json()
    expect(result.outputs[0].duration).toBeCloseTo(15, 0)
  })

  it('lists jobs newest first with cursor pagination and filters (through the SDK)', async () => {
    const c = await h.customer(10_000, 'pro')
    const sdk = h.client(c.key)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await sdk.images.create({ prompt: `picture number ${i}` })).jobId)
    const page1 = await sdk.jobs.page({ limit: 2 })
    expect(page1.data.map((j) => j.jobId)).toEqual([ids[4], ids[3]])
    expect(page1.hasMore).toBe(true)
    const page2 = await sdk.jobs.page({ limit: 2, cursor: page1.nextCursor! })
    expect(page2.data.map((j) => j.jobId)).toEqual([ids[2], ids[1]])
    const all: Job[] = []
    for await (const j of sdk.jobs.list({ limit: 2 })) all.push(j)
    expect(all.map((j) => j.jobId)).toEqual([...ids].reverse())
    expect((await sdk.jobs.page({ type: 'video' })).data).toEqual([])
    expect((await sdk.jobs.page({ status: 'queued' })).data).toHaveLength(5)
  })

  it('cancels a queued job and releases its hold (through the SDK)', async () => {
    const c = await h.customer(100)
    const sdk = h.client(c.key)
    const job = await sdk.images.create({ prompt: 'a cat', quality: 'MEDIUM' })
    expect(await sdk.usage.get()).toMatchObject({ reserved: 40, available: 60 })
    expect(await sdk.jobs.cancel(job.jobId)).toMatchObject({ status: 'cancelled', chargedCredits: 0, error: { code: 'cancelled' } })
    expect(await sdk.usage.get()).toMatchObject({ balance: 100, reserved: 0, available: 100 })
    await h.rt.worker.drain()
    expect((await sdk.jobs.get(job.jobId)).status).toBe('cancelled')
  })

  it('publishes the catalog with parameters, limits and prices', async () => {
    const c = await h.customer()
    const res = (await h.app.inject({ method: 'GET', url: '/v1/models', headers: c.auth })).json()
    expect(res.object).toBe('list')
    const ids = res.data.map((m: { id: string }) => m.id)
    expect(ids).toEqual(['seedance-2.0', 'seedance-2.0-fast', 'seedance-2.0-mini', 'seedance-2.5', 'seedance-1.5-pro', 'gpt-image-2', 'nano-banana-pro'])
    const s2 = res.data[0]
    expect(s2).toMatchObject({ object: 'model', type: 'video', durations: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], references: { images: 9, videos: 3, audios: 3, total: 12 } })
    expect(s2.pricing.creditsPerSecond).toEqual({ '480p': 20, '720p': 40, '1080p': 80 })
    expect(res.data[4].durations).toEqual([5, 10])
    expect(res.data[5]).toMatchObject({ batch: { min: 1, max: 4 }, pricing: { baseCredits: 20 } })
  })

  it('serves health, readiness and an OpenAPI 3.1 document of the routes', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true })
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/images/generate', '/v1/videos/generate', '/v1/jobs/{jobId}', '/v1/jobs/{jobId}/result', '/v1/jobs/{jobId}/cancel', '/v1/jobs', '/v1/usage', '/v1/models']))
    expect(doc.paths['/v1/videos/generate'].post.requestBody.content['application/json'].schema.required).toContain('prompt')
  })
})
