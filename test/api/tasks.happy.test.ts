import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import type { MediaServer } from '../support/media-server.js'
import { startMediaHarness } from '../support/media-harness.js'

let h: Harness
// References are fetched at submit: real files from a server on loopback, which the harness allows.
let files: MediaServer

let close: () => Promise<void>

beforeAll(async () => {
  ;({ h, files, close } = await startMediaHarness())
})
afterAll(() => close())
// A test that reads only the submit's answer leaves no render for the next test's drain.
afterEach(() => h.cancelUnfinished())

/** The three submit examples of seed 001/003, with the `-d` bodies exactly as written there. */
const VIDEO_CURL_BODY = `{
    "mode": "text-to-video",
    "quality_tier": "standard",
    "prompt": "A cinematic shot of a glass train crossing a snowy mountain bridge",
    "aspect_ratio": "16:9",
    "duration": "5",
    "resolution": "720p"
  }`
const GPT_IMAGE_CURL_BODY = `{
    "type": "text-to-image",
    "prompt": "Editorial product photo of a transparent running shoe on chrome",
    "resolution": "1K",
    "aspectRatio": "1:1"
  }`
const NANO_BANANA_CURL_BODY = `{
    "type": "text-to-image",
    "prompt": "A premium packaging mockup for an AI video studio",
    "image_size": "1:1",
    "resolution": "1K",
    "output_format": "png"
  }`

/** `curl -X POST … -H Authorization -H Content-Type -H Idempotency-Key -d '…'`. */
function curlPost(key: string, path: string, idempotencyKey: string, body: string) {
  return h.app.inject({
    method: 'POST',
    url: path,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
    payload: body,
  })
}

/** `curl https://…/api/v1/tasks/<id> -H "Authorization: Bearer …"`. */
function curlTask(key: string, id: string) {
  return h.app.inject({ method: 'GET', url: `/api/v1/tasks/${id}`, headers: { Authorization: `Bearer ${key}` } })
}

async function download(url: string) {
  const u = new URL(url)
  return h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })
}

async function usage(auth: Record<string, string>) {
  return (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()
}

const SD2_ID = /^sd2_[0-9a-z]{26}$/

describe('seed 001 curl examples, sent exactly as written', () => {
  it('Seedance video: submit, poll to completed, download the MP4', async () => {
    const c = await h.customer(1_000)
    const res = await curlPost(c.key, '/api/v1/video/seedance', 'demo-video-001', VIDEO_CURL_BODY)
    expect(res.statusCode).toBe(200)
    const sub = res.json()
    // standard tier → seedance-2.0-fast: 5 s × 32 credits at 720p
    expect(sub).toEqual({ id: expect.stringMatching(SD2_ID), status: 'pending', model: 'seedance', output: null, credits_used: 160, credits_refunded: 0 })
    expect(await usage(c.auth)).toMatchObject({ balance: 1_000, reserved: 160 })

    const pending = await curlTask(c.key, sub.id)
    expect(pending.statusCode).toBe(200)
    expect(pending.json()).toEqual(sub)

    await h.rt.worker.drain()
    const done = await curlTask(c.key, sub.id)
    expect(done.statusCode).toBe(200)
    const task = done.json()
    // The 001 example shape, key for key.
    expect(task).toEqual({ id: sub.id, status: 'completed', model: 'seedance', output: { video_url: expect.any(String) }, credits_used: 160, credits_refunded: 0 })
    const file = await download(task.output.video_url)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('video/mp4')
    expect(file.rawPayload.subarray(4, 8).toString()).toBe('ftyp')
    expect(await usage(c.auth)).toMatchObject({ balance: 840, reserved: 0, available: 840 })

    // The canonical job behind it: 16:9, 720p, 5 s, audio on, camera free, tier standard.
    const native = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${sub.id.replace('sd2_', 'job_')}`, headers: c.auth })).json()
    expect(native).toMatchObject({ status: 'succeeded', type: 'video', model: 'seedance-2.0-fast', chargedCredits: 160 })
    const row = await h.rt.jobs.get(c.account.id, sub.id.replace('sd2_', 'job_'))
    expect(row?.params).toMatchObject({ durationSec: 5, aspectRatio: '16:9', resolution: '720p', generateAudio: true, cameraFixed: false, seed: -1, qualityTier: 'standard' })
  })

  it('GPT Image 2: submit, poll to completed, download the PNG', async () => {
    const c = await h.customer(1_000)
    const res = await curlPost(c.key, '/api/v1/image/gpt-image-2', 'demo-gpt-image-001', GPT_IMAGE_CURL_BODY)
    expect(res.statusCode).toBe(200)
    const sub = res.json()
    expect(sub).toEqual({ id: expect.stringMatching(SD2_ID), status: 'pending', model: 'gpt-image-2', output: null, credits_used: 20, credits_refunded: 0 })
    await h.rt.worker.drain()
    const task = (await curlTask(c.key, sub.id)).json()
    expect(task).toEqual({ id: sub.id, status: 'completed', model: 'gpt-image-2', output: { images: [{ url: expect.any(String), width: 1024, height: 1024 }], image_urls: [expect.any(String)] }, credits_used: 20, credits_refunded: 0 })
    const file = await download(task.output.image_urls[0])
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('image/png')
    expect(file.rawPayload.subarray(0, 4).toString('hex')).toBe('89504e47')
    const result = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${sub.id.replace('sd2_', 'job_')}/result`, headers: c.auth })).json()
    expect(result.outputs[0]).toMatchObject({ mimeType: 'image/png', width: 1024, height: 1024 })
  })

  it('Nano Banana Pro: submit, poll to completed, download the PNG', async () => {
    const c = await h.customer(1_000)
    const res = await curlPost(c.key, '/api/v1/image/nano-banana-pro', 'demo-nbp-001', NANO_BANANA_CURL_BODY)
    expect(res.statusCode).toBe(200)
    const sub = res.json()
    expect(sub).toEqual({ id: expect.stringMatching(SD2_ID), status: 'pending', model: 'nano-banana-pro', output: null, credits_used: 20, credits_refunded: 0 })
    await h.rt.worker.drain()
    const task = (await curlTask(c.key, sub.id)).json()
    expect(task).toEqual({ id: sub.id, status: 'completed', model: 'nano-banana-pro', output: { images: [{ url: expect.any(String), width: 1024, height: 1024 }], image_urls: [expect.any(String)] }, credits_used: 20, credits_refunded: 0 })
    const file = await download(task.output.image_urls[0])
    expect(file.statusCode).toBe(200)
    expect(file.rawPayload.subarray(0, 4).toString('hex')).toBe('89504e47')
  })

  it('Check task status: the literal example id sd2_xxxxx is a 404 in the 001 error shape', async () => {
    const c = await h.customer()
    const res = await curlTask(c.key, 'sd2_xxxxx')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), requestId: res.headers['x-request-id'] } })
  })
})

describe('modes, tiers and options', () => {
  it('pro tier runs the full model and costs more', async () => {
    const c = await h.customer(1_000)
    const res = await curlPost(c.key, '/api/v1/video/seedance', 'pro-1', JSON.stringify({ quality_tier: 'pro', prompt: 'a slow dolly shot of a lighthouse', duration: '4' }))
    expect(res.statusCode).toBe(200)
    // seedance-2.0: 4 s × 40 credits at 720p
    expect(res.json()).toMatchObject({ model: 'seedance', credits_used: 160 })
    const job = await h.rt.jobs.get(c.account.id, res.json().id.replace('sd2_', 'job_'))
    expect(job).toMatchObject({ model: 'seedance-2.0', params: { qualityTier: 'pro', durationSec: 4 } })
  })

  it('image-to-video maps image_url / end_image_url to first and last frame, fixed_lens and seed through', async () => {
    const c = await h.customer(10_000)
    const body = {
      mode: 'image-to-video',
      channel: 'wild',
      prompt: 'the statue turns its head',
      image_url: files.url('red-640x480.png', 'start.png'),
      end_image_url: files.url('green-800x600.jpg', 'end.jpg'),
      aspect_ratio: '9:16',
      resolution: '1080p',
      duration: '6',
      generate_audio: false,
      fixed_lens: true,
      seed: 42,
    }
    const res = await curlPost(c.key, '/api/v1/video/seedance', 'i2v-1', JSON.stringify(body))
    expect(res.statusCode).toBe(200)
    // 6 s × 32 × 2 (1080p)
    expect(res.json().credits_used).toBe(384)
    const job = await h.rt.jobs.get(c.account.id, res.json().id.replace('sd2_', 'job_'))
    expect(job?.params).toMatchObject({
      firstFrameUrl: body.image_url,
      lastFrameUrl: body.end_image_url,
      aspectRatio: '9:16',
      resolution: '1080p',
      durationSec: 6,
      generateAudio: false,
      cameraFixed: true,
      seed: 42,
    })
    await h.rt.worker.drain()
    const task = (await curlTask(c.key, res.json().id)).json()
    expect(task.status).toBe('completed')
    const file = await download(task.output.video_url)
    expect(file.rawPayload.subarray(4, 8).toString()).toBe('ftyp')
  })

  it('media-to-video sorts media_urls into reference images, videos and audio by their content', async () => {
    const c = await h.customer(10_000)
    // The extensions say nothing (or lie): the bytes decide.
    const media = [
      files.url('red-640x480.png', 'a/look'),
      files.url('clip-3s.mp4', 'assets/7f3a'),
      files.url('tone-3s.mp3', 'voice.bin'),
      files.url('green-800x600.jpg', 'b.webp'),
      files.url('clip-3s.mp4', 'c.mov'),
      files.url('tone-3s.mp3', 'd'),
    ]
    const res = await curlPost(c.key, '/api/v1/video/seedance', 'm2v-1', JSON.stringify({ mode: 'media-to-video', prompt: 'blend these into one shot', media_urls: media }))
    expect(res.statusCode).toBe(200)
    // Reference videos double the base price: 5 s × 32 × 2
    expect(res.json().credits_used).toBe(320)
    const job = await h.rt.jobs.get(c.account.id, res.json().id.replace('sd2_', 'job_'))
    expect(job?.params).toMatchObject({
      referenceImageUrls: [media[0], media[3]],
      referenceVideoUrls: [media[1], media[4]],
      referenceAudioUrls: [media[2], media[5]],
    })
    await h.rt.worker.drain()
    expect((await curlTask(c.key, res.json().id)).json().status).toBe('completed')
  })

  it('real channel without a seed is accepted', async () => {
    const c = await h.customer()
    const res = await curlPost(c.key, '/api/v1/video/seedance', 'real-1', JSON.stringify({ channel: 'real', prompt: 'a real street at dusk' }))
    expect(res.statusCode).toBe(200)
  })

  it('gpt-image-2: image-to-image, a batch, and 1:1 at 4K on the economy channel', async () => {
    const c = await h.customer(10_000)
    const body = { type: 'image-to-image', channel: 'economy', prompt: 'make it look like chrome', resolution: '4K', aspectRatio: '1:1', batchCount: 2, imageUrls: [files.url('blue-640x480.png', 'in.png')] }
    const res = await curlPost(c.key, '/api/v1/image/gpt-image-2', 'gpt-2', JSON.stringify(body))
    expect(res.statusCode).toBe(200)
    // 20 × 4 (4K) × 0.5 (economy) × 2 images
    expect(res.json().credits_used).toBe(80)
    const job = await h.rt.jobs.get(c.account.id, res.json().id.replace('sd2_', 'job_'))
    expect(job?.params).toMatchObject({ n: 2, resolution: '4K', aspectRatio: '1:1', referenceImageUrls: body.imageUrls, tier: 'economy' })
    await h.rt.worker.drain()
    const task = (await curlTask(c.key, res.json().id)).json()
    expect(task.status).toBe('completed')
    expect(task.output.image_urls).toHaveLength(2)
    for (const u of task.output.image_urls) expect((await download(u)).statusCode).toBe(200)
  })

  it('nano-banana-pro: defaults (auto, 1K, png) and jpeg output', async () => {
    const c = await h.customer(10_000)
    const res = await curlPost(c.key, '/api/v1/image/nano-banana-pro', 'nbp-2', JSON.stringify({ type: 'text-to-image', prompt: 'a jar of honey' }))
    expect(res.statusCode).toBe(200)
    const job = await h.rt.jobs.get(c.account.id, res.json().id.replace('sd2_', 'job_'))
    expect(job?.params).toMatchObject({ aspectRatio: 'auto', resolution: '1K', format: 'png' })

    const jpeg = await curlPost(
      c.key,
      '/api/v1/image/nano-banana-pro',
      'nbp-3',
      JSON.stringify({ type: 'image-to-image', prompt: 'same jar, at night', image_size: '16:9', resolution: '2K', output_format: 'jpeg', image_urls: [files.url('red-640x480.png', 'jar.png')] }),
    )
    expect(jpeg.statusCode).toBe(200)
    expect(jpeg.json().credits_used).toBe(40)
    await h.rt.worker.drain()
    const task = (await curlTask(c.key, jpeg.json().id)).json()
    expect(task.status).toBe('completed')
    const file = await download(task.output.image_urls[0])
    expect(file.headers['content-type']).toBe('image/jpeg')
    expect(file.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8')
  })
})

describe('idempotency', () => {
  it('a retry with the same key and body returns the same task and holds credits once', async () => {
    const c = await h.customer(1_000)
    const a = await curlPost(c.key, '/api/v1/image/gpt-image-2', 'same-key', GPT_IMAGE_CURL_BODY)
    const b = await curlPost(c.key, '/api/v1/image/gpt-image-2', 'same-key', GPT_IMAGE_CURL_BODY)
    expect(b.statusCode).toBe(200)
    expect(b.json().id).toBe(a.json().id)
    expect(b.headers['idempotent-replayed']).toBe('true')
    expect(await usage(c.auth)).toMatchObject({ reserved: 20 })
  })

  it('the same key with a different body is 409 idempotency_conflict', async () => {
    const c = await h.customer(1_000)
    await curlPost(c.key, '/api/v1/image/gpt-image-2', 'k1', GPT_IMAGE_CURL_BODY)
    const res = await curlPost(c.key, '/api/v1/image/nano-banana-pro', 'k1', NANO_BANANA_CURL_BODY)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toEqual({ error: { code: 'idempotency_conflict', message: expect.any(String), requestId: expect.any(String), field: 'Idempotency-Key' } })
    expect(await usage(c.auth)).toMatchObject({ reserved: 20 })
  })
})

describe('statuses', () => {
  it('a cancelled task reads as failed with error.code cancelled and no credits used', async () => {
    const c = await h.customer(1_000)
    const sub = (await curlPost(c.key, '/api/v1/image/gpt-image-2', 'cx', GPT_IMAGE_CURL_BODY)).json()
    const cancel = await h.app.inject({ method: 'POST', url: `/v1/jobs/${sub.id.replace('sd2_', 'job_')}/cancel`, headers: c.auth })
    expect(cancel.statusCode).toBe(200)
    const task = (await curlTask(c.key, sub.id)).json()
    expect(task).toEqual({ id: sub.id, status: 'failed', model: 'gpt-image-2', output: null, credits_used: 0, credits_refunded: 20, error: { code: 'cancelled', message: expect.any(String) } })
  })

  it('a failed generation reads as failed with its error, and the hold is released', async () => {
    const f = await createHarness({ env: { REELAY_STUDIO_FAILURE_RATE: '1' } })
    try {
      const c = await f.customer(1_000)
      const sub = await f.app.inject({
        method: 'POST',
        url: '/api/v1/video/seedance',
        headers: { ...c.auth, 'Idempotency-Key': 'will-fail', 'Content-Type': 'application/json' },
        payload: VIDEO_CURL_BODY,
      })
      expect(sub.statusCode).toBe(200)
      await f.rt.worker.drain()
      const task = (await f.app.inject({ method: 'GET', url: `/api/v1/tasks/${sub.json().id}`, headers: c.auth })).json()
      expect(task).toEqual({ id: sub.json().id, status: 'failed', model: 'seedance', output: null, credits_used: 0, credits_refunded: 160, error: { code: 'generation_failed', message: expect.any(String) } })
      expect((await f.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 1_000, reserved: 0 })
    } finally {
      await f.close()
    }
  })
})

describe('cross-dialect', () => {
  it('a native job reads in the tasks shape, by its job_ id or its sd2_ form', async () => {
    const c = await h.customer(10_000)
    const v = (
      await h.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...c.auth, 'idempotency-key': 'native-v' }, payload: { prompt: 'native video shot', size: '16:9_SMALL', duration: 4 } })
    ).json()
    const i = (await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'native-i' }, payload: { prompt: 'native image', model: 'nano-banana-pro', n: 2 } })).json()
    await h.rt.worker.drain()
    const byJobId = (await curlTask(c.key, v.jobId)).json()
    const bySd2 = (await curlTask(c.key, v.jobId.replace('job_', 'sd2_'))).json()
    expect(byJobId).toEqual(bySd2)
    expect(byJobId).toMatchObject({ id: v.jobId.replace('job_', 'sd2_'), status: 'completed', model: 'seedance', output: { video_url: expect.any(String) }, credits_used: 64 })
    const img = (await curlTask(c.key, i.jobId)).json()
    expect(img).toMatchObject({ status: 'completed', model: 'nano-banana-pro', output: { image_urls: [expect.any(String), expect.any(String)] }, credits_used: 40 })
  })

  it('a tasks job reads in the native shape under its job_ id', async () => {
    const c = await h.customer(1_000)
    const sub = (await curlPost(c.key, '/api/v1/image/nano-banana-pro', 'x-native', NANO_BANANA_CURL_BODY)).json()
    const res = await h.app.inject({ method: 'GET', url: `/v1/jobs/${sub.id.replace('sd2_', 'job_')}`, headers: c.auth })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'queued', type: 'image', model: 'nano-banana-pro', chargedCredits: 20 })
  })
})

describe('documentation', () => {
  it('publishes the routes in /openapi.json', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/video/seedance', '/api/v1/image/gpt-image-2', '/api/v1/image/nano-banana-pro', '/api/v1/tasks/{id}']))
    expect(doc.paths['/api/v1/video/seedance'].post.requestBody.content['application/json'].schema.required).toEqual(['prompt'])
    expect(doc.paths['/api/v1/image/gpt-image-2'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['type', 'prompt', 'resolution', 'aspectRatio']),
    )
  })
})
