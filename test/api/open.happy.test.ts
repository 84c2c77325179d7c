import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import type { MediaServer } from '../support/media-server.js'
import { startMediaHarness } from '../support/media-harness.js'

let h: Harness
// Reference URLs are fetched at submit: the examples' example.com URLs point at real files on loopback.
let files: MediaServer

let close: () => Promise<void>

beforeAll(async () => {
  ;({ h, files, close } = await startMediaHarness())
})
afterAll(() => close())
// A test that reads only the submit's answer leaves no render for the next test's drain.
afterEach(() => h.cancelUnfinished())

type Auth = Record<string, string>
const BASE = '/api/open/v1'

const submit = (auth: Auth, payload: unknown, extra: Auth = {}) =>
  h.app.inject({ method: 'POST', url: `${BASE}/video/generations`, headers: { ...auth, 'content-type': 'application/json', ...extra }, payload: files.seeded(JSON.stringify(payload)) })
const query = (auth: Auth, requestId: string) => h.app.inject({ method: 'GET', url: `${BASE}/video/generations/${requestId}`, headers: auth })
const usage = async (auth: Auth) => (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()

async function download(url: string) {
  const u = new URL(url)
  return h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })
}

describe('models (seed 004 example)', () => {
  it('answers `curl …/api/open/v1/models` without a key, in the seed’s shape and prices', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/open/v1/models' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.success).toBe(true)
    expect(body.data.map((m: { id: string }) => m.id)).toEqual(['seedance-2.0', 'seedance-2.0-fast', 'seedance-2.0-mini', 'seedance-2.5', 'seedance-1.5-pro'])
    expect(body.data[0]).toMatchObject({
      id: 'seedance-2.0',
      type: 'video_generation',
      mode: 'image_to_video',
      durations: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      aspectRatios: ['16:9', '9:16', '1:1'],
      resolutions: ['480p', '720p', '1080p'],
      usdPerSecond: { '480p': 0.05, '720p': 0.1, '1080p': 0.2 },
    })
    expect(body.data[1]).toMatchObject({ type: 'video_generation', durations: body.data[0].durations, usdPerSecond: { '480p': 0.04, '720p': 0.08, '1080p': 0.16 } })
    expect(body.data[2]).toMatchObject({ id: 'seedance-2.0-mini', usdPerSecond: { '480p': 0.025, '720p': 0.05, '1080p': 0.1 } })
    expect(body.data[3]).toMatchObject({ id: 'seedance-2.5', durations: Array.from({ length: 27 }, (_, i) => i + 4), usdPerSecond: { '480p': 0.06, '720p': 0.12, '1080p': 0.24 } })
    expect(body.data[4]).toMatchObject({ type: 'video_generation', durations: [5, 10], resolutions: ['480p', '720p', '1080p'], usdPerSecond: { '480p': 0.03, '720p': 0.06, '1080p': 0.12 } })
    for (const m of body.data) expect(m.aspectRatios).toEqual(['16:9', '9:16', '1:1'])
  })

  it('converts credits to USD with REELAY_CREDIT_USD', async () => {
    const o = await createHarness({ env: { REELAY_CREDIT_USD: '0.01' } })
    try {
      const m = (await o.app.inject({ method: 'GET', url: '/api/open/v1/models' })).json().data[0]
      expect(m.usdPerSecond).toEqual({ '480p': 0.2, '720p': 0.4, '1080p': 0.8 })
    } finally {
      await o.close()
    }
  })
})

describe('generation flow', () => {
  it('text to video: submit → queued, poll → succeeded with a downloadable MP4', async () => {
    const c = await h.customer(1_000)
    const res = await submit({ Authorization: `Bearer ${c.key}` }, { prompt: 'A golden retriever running on the beach at sunset', duration: 5, aspectRatio: '16:9', resolution: '720p' })
    expect(res.statusCode).toBe(200)
    const created = res.json()
    // seedance-2.0 (the default): 5 s × 40 credits at 720p
    expect(created).toEqual({ success: true, requestId: expect.stringMatching(/^req_[0-9a-z]{26}$/), status: 'queued', model: 'seedance-2.0', creditsCharged: 200, createdAt: expect.any(String) })
    expect(await usage(c.auth)).toMatchObject({ balance: 1_000, reserved: 200 })

    const queued = (await query(c.auth, created.requestId)).json()
    expect(queued).toMatchObject({ success: true, requestId: created.requestId, status: 'queued', output: null, error: null, creditsCharged: 200, completedAt: null })

    await h.rt.worker.drain()
    const done = await query(c.auth, created.requestId)
    expect(done.statusCode).toBe(200)
    const body = done.json()
    expect(body).toMatchObject({
      success: true,
      requestId: created.requestId,
      model: 'seedance-2.0',
      status: 'succeeded',
      progress: 100,
      output: { type: 'video', url: expect.any(String), mimeType: 'video/mp4', width: 1280, height: 720 },
      error: null,
      creditsCharged: 200,
    })
    expect(Date.parse(body.completedAt)).toBeGreaterThanOrEqual(Date.parse(body.createdAt))
    const file = await download(body.output.url)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('video/mp4')
    expect(file.rawPayload.subarray(4, 8).toString()).toBe('ftyp')
    expect(await usage(c.auth)).toMatchObject({ balance: 800, reserved: 0, available: 800 })
  })

  it('image to video with a first and last frame, at 9:16 480p on the fast model', async () => {
    const c = await h.customer(1_000)
    const res = await submit(c.auth, {
      model: 'seedance-2.0-fast',
      prompt: 'The woman slowly turns her head and smiles',
      imageUrl: 'https://example.com/photo.jpg',
      endImageUrl: 'https://example.com/last.jpg',
      duration: 4,
      aspectRatio: '9:16',
      resolution: '480p',
      generateAudio: false,
      seed: 7,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'queued', model: 'seedance-2.0-fast', creditsCharged: 64 })
    const job = await h.rt.jobs.get(c.account.id, res.json().requestId.replace(/^req_/, 'job_'))
    expect(job?.params).toMatchObject({ firstFrameUrl: files.seeded('https://example.com/photo.jpg'), lastFrameUrl: files.seeded('https://example.com/last.jpg'), aspectRatio: '9:16', resolution: '480p', generateAudio: false, seed: 7 })
    await h.rt.worker.drain()
    const done = (await query(c.auth, res.json().requestId)).json()
    expect(done).toMatchObject({ status: 'succeeded', output: { type: 'video', width: 480, height: 854 } })
    expect((await download(done.output.url)).statusCode).toBe(200)
  })

  it('reference-based generation is priced ×2 with a reference video; webhookUrl is stored', async () => {
    const c = await h.customer(1_000)
    const res = await submit(c.auth, {
      prompt: 'Character walks through a garden',
      referenceImageUrls: ['https://example.com/ref1.jpg'],
      referenceVideoUrls: ['https://example.com/motion.mp4'],
      referenceAudioUrls: ['https://example.com/audio.mp3'],
      webhookUrl: 'https://your-server.com/webhook/seedance',
    })
    expect(res.json()).toMatchObject({ status: 'queued', creditsCharged: 400 })
    const job = await h.rt.jobs.get(c.account.id, res.json().requestId.replace(/^req_/, 'job_'))
    expect(job?.webhookUrl).toBe('https://your-server.com/webhook/seedance')
    await h.rt.worker.drain()
    expect((await query(c.auth, res.json().requestId)).json()).toMatchObject({ status: 'succeeded', creditsCharged: 400 })
  })

  it('cancels a queued task, releasing its credits; a second cancel is 409', async () => {
    const c = await h.customer(1_000)
    const { requestId } = (await submit(c.auth, { prompt: 'a slow sunrise over hills' })).json()
    const res = await h.app.inject({ method: 'POST', url: `${BASE}/video/generations/${requestId}/cancel`, headers: c.auth })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ success: true, requestId, status: 'cancelled', output: null, creditsCharged: 0, error: { code: 'cancelled' } })
    expect(await usage(c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    await h.rt.worker.drain()
    expect((await query(c.auth, requestId)).json().status).toBe('cancelled')
    const again = await h.app.inject({ method: 'POST', url: `${BASE}/video/generations/${requestId}/cancel`, headers: c.auth })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toEqual({ success: false, error: { code: 'job_not_cancellable', message: expect.stringContaining('cancelled') } })
  })

  it('refuses to cancel a succeeded task with 409', async () => {
    const c = await h.customer(1_000)
    const { requestId } = (await submit(c.auth, { prompt: 'a finished piece', resolution: '480p', duration: 4 })).json()
    await h.rt.worker.drain()
    const res = await h.app.inject({ method: 'POST', url: `${BASE}/video/generations/${requestId}/cancel`, headers: c.auth })
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('job_not_cancellable')
  })

  it('an Idempotency-Key retry returns the same requestId and holds once', async () => {
    const c = await h.customer(1_000)
    const body = { prompt: 'a windmill turning slowly' }
    const a = (await submit(c.auth, body, { 'idempotency-key': 'gen-1' })).json()
    const b = (await submit(c.auth, body, { 'idempotency-key': 'gen-1' })).json()
    expect(b.requestId).toBe(a.requestId)
    expect(await usage(c.auth)).toMatchObject({ reserved: 200 })
    const conflict = await submit(c.auth, { prompt: 'something else' }, { 'idempotency-key': 'gen-1' })
    expect(conflict.statusCode).toBe(409)
    expect(conflict.json()).toMatchObject({ success: false, error: { code: 'idempotency_conflict' } })
  })
})

describe('cross-dialect', () => {
  it('a task made here reads natively as job_…, and a native job reads here as req_… and job_…', async () => {
    const c = await h.customer(1_000)
    const { requestId } = (await submit(c.auth, { prompt: 'two dialects, one job', resolution: '480p', duration: 4 })).json()
    const jobId = requestId.replace(/^req_/, 'job_')
    const native = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: c.auth })).json()
    expect(native).toMatchObject({ ok: true, jobId, status: 'queued', model: 'seedance-2.0', chargedCredits: 80 })

    const n = await h.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...c.auth, 'idempotency-key': 'n-1' }, payload: { prompt: 'made natively', size: '1:1_SMALL', duration: 4 } })
    const nativeId: string = n.json().jobId
    await h.rt.worker.drain()
    const asReq = (await query(c.auth, nativeId.replace(/^job_/, 'req_'))).json()
    expect(asReq).toMatchObject({ requestId: nativeId.replace(/^job_/, 'req_'), model: 'seedance-2.0-fast', status: 'succeeded', output: { type: 'video', width: 480, height: 480 } })
    expect((await query(c.auth, nativeId)).json()).toMatchObject({ requestId: asReq.requestId, status: 'succeeded' })
    expect((await h.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: c.auth })).json().status).toBe('succeeded')
  })
})
