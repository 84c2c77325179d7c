import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { probeMedia } from '../../src/media/probe.js'
import { videoDimensions } from '../../src/media/dimensions.js'
import { renderVideo } from '../../src/providers/studio/render-video.js'
import { singleProviderRouter } from '../../src/providers/registry.js'
import type { Provider } from '../../src/providers/provider.js'
import type { VideoParams } from '../../src/domain/params.js'
import { createHarness, type Harness } from '../support/harness.js'
import type { MediaServer } from '../support/media-server.js'
import { startMediaHarness } from '../support/media-harness.js'

let h: Harness
// The seed's example reference URLs are fetched at submit: they point at real files on loopback.
let files: MediaServer

let close: () => Promise<void>

beforeAll(async () => {
  ;({ h, files, close } = await startMediaHarness())
})
afterAll(() => close())
// A test that reads only the submit's answer leaves no render for the next test's drain.
afterEach(() => h.cancelUnfinished())

type Auth = Record<string, string>

/** The seed's `-H "Content-Type: application/json" -d '{…}'` requests, sent byte for byte (example.com URLs made reachable). */
const createTask = (auth: Auth, json: string, extra: Auth = {}) =>
  h.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: { ...auth, 'content-type': 'application/json', ...extra }, payload: files.seeded(json) })
const queryTask = (auth: Auth, taskId: string) => h.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${encodeURIComponent(taskId)}`, headers: auth })
const credits = async (auth: Auth) => (await h.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers: auth })).json()

async function download(url: string) {
  const u = new URL(url)
  return h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })
}

async function finished(auth: Auth, taskId: string) {
  await h.rt.worker.drain()
  const res = await queryTask(auth, taskId)
  expect(res.statusCode).toBe(200)
  return res.json()
}

// The seed's curl bodies, verbatim.
const TEXT_TO_VIDEO = `{
"model": "seedance2",
"inputs": {
"prompt": "A golden retriever running on the beach at sunset",
"duration": "5s",
"resolution": "1280x720"
}
}`
const IMAGE_TO_VIDEO = `{
"model": "seedance2",
"inputs": {
"urls": ["https://example.com/photo.jpg"],
"prompt": "The woman slowly turns her head and smiles",
"duration": "5s"
}
}`
const KEYFRAME = `{
"model": "seedance2",
"inputs": {
"urls": [
"https://example.com/first-frame.jpg",
"https://example.com/last-frame.jpg"
],
"prompt": "Smooth camera transition from day to night",
"duration": "5s",
"videoInputMode": "keyframe"
}
}`
const MULTI_REFERENCE = `{
"model": "seedance2",
"inputs": {
"urls": [
"https://example.com/ref1.jpg",
"https://example.com/ref2.jpg"
],
"videoUrls": ["https://example.com/motion-ref.mp4"],
"audioUrls": ["https://example.com/audio.mp3"],
"prompt": "Character walks through a garden",
"duration": "5s",
"videoInputMode": "reference",
"resolution": "1280x720"
}
}`
const CALLBACK = `{
"model": "seedance2",
"callBackUrl": "https://your-server.com/webhook/seedance",
"inputs": {
"prompt": "A cat playing piano",
"duration": "5s"
}
}`

describe('seed 002 curl examples', () => {
  it('checks credits: {credits, availableCredits}, agreeing with native /v1/usage', async () => {
    const c = await h.customer(5_000)
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers: { Authorization: `Bearer ${c.key}` } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ credits: 5_000, availableCredits: 5_000 })

    // A running task holds its price: available drops, the balance does not (the seed's 5000/4800).
    const { taskId } = (await createTask(c.auth, TEXT_TO_VIDEO)).json()
    expect(await credits(c.auth)).toEqual({ credits: 5_000, availableCredits: 4_800 })
    const usage = (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()
    expect(usage).toMatchObject({ balance: 5_000, available: 4_800 })

    await finished(c.auth, taskId)
    expect(await credits(c.auth)).toEqual({ credits: 4_800, availableCredits: 4_800 })
    const after = (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()
    expect(await credits(c.auth)).toEqual({ credits: after.balance, availableCredits: after.available })
  })

  it('text to video: createTask → {taskId}, PENDING, then COMPLETED with a downloadable 1280×720 MP4', async () => {
    const c = await h.customer(5_000)
    const created = await createTask({ Authorization: `Bearer ${c.key}` }, TEXT_TO_VIDEO)
    expect(created.statusCode).toBe(200)
    expect(created.json()).toEqual({ taskId: expect.stringMatching(/^task_[0-9a-z]{26}$/) })
    const { taskId } = created.json()

    const pending = (await queryTask(c.auth, taskId)).json()
    expect(pending).toEqual({
      taskId,
      model: 'seedance2',
      status: 'PENDING',
      creditsUsed: 200,
      output: [],
      error: null,
      createTime: expect.any(Number),
      completeTime: null,
    })

    // "Poll for result", exactly as the seed's curl writes the URL.
    await h.rt.worker.drain()
    const polled = await h.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${taskId}`, headers: { Authorization: `Bearer ${c.key}` } })
    expect(polled.statusCode).toBe(200)
    const done = polled.json()
    expect(done).toEqual({
      taskId,
      model: 'seedance2',
      status: 'COMPLETED',
      creditsUsed: 200,
      output: [{ url: expect.any(String), width: 1280, height: 720 }],
      error: null,
      createTime: pending.createTime,
      completeTime: expect.any(Number),
    })
    expect(done.completeTime).toBeGreaterThanOrEqual(done.createTime)
    const file = await download(done.output[0].url)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('video/mp4')
    expect(file.rawPayload.subarray(4, 8).toString()).toBe('ftyp')
  })

  it.each([
    ['image to video (urls[0] is the first frame)', IMAGE_TO_VIDEO, { firstFrameUrl: 'https://example.com/photo.jpg', referenceImageUrls: [] }, 200],
    ['keyframe (first and last frame)', KEYFRAME, { firstFrameUrl: 'https://example.com/first-frame.jpg', lastFrameUrl: 'https://example.com/last-frame.jpg' }, 200],
    [
      'multi-reference (images, video, audio; ×2 with a video reference)',
      MULTI_REFERENCE,
      {
        referenceImageUrls: ['https://example.com/ref1.jpg', 'https://example.com/ref2.jpg'],
        referenceVideoUrls: ['https://example.com/motion-ref.mp4'],
        referenceAudioUrls: ['https://example.com/audio.mp3'],
      },
      400,
    ],
  ])('%s', async (_name, json, params, price) => {
    const c = await h.customer(5_000)
    const created = await createTask(c.auth, json)
    expect(created.statusCode).toBe(200)
    const { taskId } = created.json()
    const job = await h.rt.jobs.get(c.account.id, taskId.replace(/^task_/, 'job_'))
    expect(job?.params).toMatchObject({ ...JSON.parse(files.seeded(JSON.stringify(params))), durationSec: 5, resolution: '720p', aspectRatio: '16:9' })
    const done = await finished(c.auth, taskId)
    expect(done).toMatchObject({ status: 'COMPLETED', model: 'seedance2', creditsUsed: price, error: null })
    expect(done.output).toEqual([{ url: expect.any(String), width: 1280, height: 720 }])
    expect((await download(done.output[0].url)).statusCode).toBe(200)
  })

  it('callback: callBackUrl is stored as the task’s webhook', async () => {
    const c = await h.customer(5_000)
    const created = await createTask(c.auth, CALLBACK)
    expect(created.statusCode).toBe(200)
    const job = await h.rt.jobs.get(c.account.id, created.json().taskId.replace(/^task_/, 'job_'))
    expect(job?.webhookUrl).toBe('https://your-server.com/webhook/seedance')
    expect((await finished(c.auth, created.json().taskId)).status).toBe('COMPLETED')
  })
})

describe('mapping', () => {
  it.each([
    ['720x720', '1:1'],
    ['720x960', '3:4'],
    ['960x720', '4:3'],
    ['1280x720', '16:9'],
    ['720x1280', '9:16'],
    ['1280x540', '21:9'],
  ])('resolution %s → 720p at %s', async (resolution, aspectRatio) => {
    const c = await h.customer(5_000)
    const res = await createTask(c.auth, JSON.stringify({ model: 'seedance2-fast', inputs: { prompt: 'a red kite in the wind', duration: '4s', resolution } }))
    expect(res.statusCode).toBe(200)
    const job = await h.rt.jobs.get(c.account.id, res.json().taskId.replace(/^task_/, 'job_'))
    expect(job?.params).toMatchObject({ resolution: '720p', aspectRatio, durationSec: 4 })
    expect(job?.model).toBe('seedance-2.0-fast')
  })

  it('1280x540 renders a 1280×540 file, not 720p at 21:9 (1680×720)', async () => {
    const c = await h.customer(5_000)
    const res = await createTask(c.auth, JSON.stringify({ model: 'seedance2-fast', inputs: { prompt: 'a wide desert road at dusk', duration: '4s', resolution: '1280x540' } }))
    expect(res.statusCode).toBe(200)
    const task = await finished(c.auth, res.json().taskId)
    expect(task.status).toBe('COMPLETED')
    expect(task.output).toEqual([{ url: expect.any(String), width: 1280, height: 540 }])
    expect((await download(task.output[0].url)).statusCode).toBe(200)
  })

  it('defaults: duration 5s, keyframe mode, 1280x720', async () => {
    const c = await h.customer(5_000)
    const res = await createTask(c.auth, JSON.stringify({ model: 'seedance2', inputs: { prompt: 'waves on a quiet shore' } }))
    const job = await h.rt.jobs.get(c.account.id, res.json().taskId.replace(/^task_/, 'job_'))
    expect(job?.params).toMatchObject({ durationSec: 5, resolution: '720p', aspectRatio: '16:9', referenceImageUrls: [] })
  })

  it('reference mode without video keeps the base price; urls become reference images', async () => {
    const c = await h.customer(5_000)
    const urls = Array.from({ length: 9 }, (_, i) => `https://example.com/r${i}.jpg`)
    const res = await createTask(c.auth, JSON.stringify({ model: 'seedance2', inputs: { urls, audioUrls: ['https://example.com/a.mp3'], duration: '5s', videoInputMode: 'reference' } }))
    expect(res.statusCode).toBe(200)
    const job = await h.rt.jobs.get(c.account.id, res.json().taskId.replace(/^task_/, 'job_'))
    expect(job?.params).toMatchObject(JSON.parse(files.seeded(JSON.stringify({ referenceImageUrls: urls, referenceAudioUrls: ['https://example.com/a.mp3'] }))))
    expect(job?.price).toBe(200)
  })

  it('passes an Idempotency-Key through: a retry returns the same task and holds once', async () => {
    const c = await h.customer(1_000)
    const a = await createTask(c.auth, TEXT_TO_VIDEO, { 'idempotency-key': 'order-42' })
    const b = await createTask(c.auth, TEXT_TO_VIDEO, { 'idempotency-key': 'order-42' })
    expect(b.json().taskId).toBe(a.json().taskId)
    expect(await credits(c.auth)).toEqual({ credits: 1_000, availableCredits: 800 })
    const other = await createTask(c.auth, CALLBACK, { 'idempotency-key': 'order-42' })
    expect(other.statusCode).toBe(409)
    expect(other.json()).toMatchObject({ code: 'idempotency_conflict', status: 409 })
  })
})

describe('pricing and upscale', () => {
  it('matches the seed’s pricing table through creditsUsed of finished tasks, and really upscales (1280x720 + 2k stores 2560×1440)', async () => {
    // The studio's pipeline (render → probe → Lanczos upscale → store), rendered at 2 fps so six
    // 5 s jobs, two of them upscaled to 4K, stay quick on a small host.
    const provider: Provider = {
      name: 'studio-2fps',
      async submit(job, ctx) {
        const p = job.params as VideoParams
        const out = path.join(ctx.tmpDir, `${job.id}-2fps.mp4`)
        await renderVideo({ prompt: p.prompt, seed: 1, ...videoDimensions(p.resolution, p.aspectRatio), durationSec: p.durationSec, fps: 2, audio: false, outPath: out })
        return { upstreamId: `2fps_${job.id}`, outputs: [{ kind: 'file', path: out, mime: 'video/mp4' }] }
      },
      async get() {
        return { state: 'running' }
      },
      async cancel() {},
    }
    const p = await createHarness({ router: singleProviderRouter(provider, { id: 'studio-2fps', provider: 'studio', baseUrl: 'local', apiKey: '', models: {}, options: {} }) })
    try {
      const c = await p.customer(10_000, 'pro')
      const cases = [
        ['seedance2', undefined, 200, [1280, 720]],
        ['seedance2-fast', undefined, 160, [1280, 720]],
        ['seedance2', '2k', 300, [2560, 1440]],
        ['seedance2-fast', '2k', 260, [2560, 1440]],
        ['seedance2', '4k', 400, [3840, 2160]],
        ['seedance2-fast', '4k', 360, [3840, 2160]],
      ] as const
      const ids: string[] = []
      for (const [model, upscaleResolution] of cases) {
        const json = JSON.stringify({ model, inputs: { prompt: 'a lighthouse at dusk', duration: '5s', resolution: '1280x720', ...(upscaleResolution ? { upscaleResolution } : {}) } })
        const res = await p.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: { ...c.auth, 'content-type': 'application/json' }, payload: json })
        expect(res.statusCode).toBe(200)
        ids.push(res.json().taskId)
      }
      await p.rt.worker.drain()
      let spent = 0
      for (const [i, [model, , price, [width, height]]] of cases.entries()) {
        const t = (await p.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${ids[i]}`, headers: c.auth })).json()
        expect(t).toMatchObject({ model, status: 'COMPLETED', creditsUsed: price })
        expect(t.output).toEqual([{ url: expect.any(String), width, height }])
        spent += price
      }
      // The stored files themselves have the upscaled size, not just the metadata.
      for (const [i, size] of [[2, { width: 2560, height: 1440 }], [4, { width: 3840, height: 2160 }]] as const) {
        const url = new URL((await p.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${ids[i]}`, headers: c.auth })).json().output[0].url)
        const file = await p.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })
        expect(file.statusCode).toBe(200)
        const local = path.join(p.dir, `probe-${i}.mp4`)
        await writeFile(local, file.rawPayload)
        expect(await probeMedia(local)).toMatchObject({ mime: 'video/mp4', ...size })
      }
      const left = (await p.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers: c.auth })).json()
      expect(left).toEqual({ credits: 10_000 - spent, availableCredits: 10_000 - spent })
    } finally {
      await p.close()
    }
  }, 180_000)
})

describe('cross-dialect', () => {
  it('a native job reads through queryTask (job_ and task_ forms), and a task reads natively', async () => {
    const c = await h.customer(5_000)
    const native = await h.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...c.auth, 'idempotency-key': 'x-1' }, payload: { prompt: 'city lights at night', model: 'seedance-2.0', duration: 4 } })
    const jobId: string = native.json().jobId
    const taskId = jobId.replace(/^job_/, 'task_')
    await h.rt.worker.drain()
    const viaTask = (await queryTask(c.auth, taskId)).json()
    expect(viaTask).toMatchObject({ taskId, model: 'seedance2', status: 'COMPLETED', creditsUsed: 160 })
    expect((await queryTask(c.auth, jobId)).json()).toEqual({ ...viaTask, output: [{ url: expect.any(String), width: 1280, height: 720 }] })

    const created = (await createTask(c.auth, TEXT_TO_VIDEO)).json()
    const job = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${created.taskId.replace(/^task_/, 'job_')}`, headers: c.auth })).json()
    expect(job).toMatchObject({ ok: true, status: 'queued', model: 'seedance-2.0', chargedCredits: 200 })
  })

  it('a cancelled task reads as FAILED with an error message and no credits used', async () => {
    const c = await h.customer(1_000)
    const { taskId } = (await createTask(c.auth, TEXT_TO_VIDEO)).json()
    await h.app.inject({ method: 'POST', url: `/v1/jobs/${taskId.replace(/^task_/, 'job_')}/cancel`, headers: c.auth })
    const t = (await queryTask(c.auth, taskId)).json()
    expect(t).toMatchObject({ status: 'FAILED', creditsUsed: 0, output: [], error: expect.stringMatching(/cancel/i), completeTime: expect.any(Number) })
    expect(await credits(c.auth)).toEqual({ credits: 1_000, availableCredits: 1_000 })
  })
})

describe('the seed’s JS and Python flow', () => {
  it('checks credits, creates, polls queryTask until COMPLETED and reads output[0].url', async () => {
    const c = await h.customer(5_000)
    const headers = { Authorization: `Bearer ${c.key}`, 'Content-Type': 'application/json' }
    const { availableCredits } = (await h.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers })).json()
    expect(availableCredits).toBe(5_000)
    const { taskId } = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/createTask',
        headers,
        payload: files.seeded(JSON.stringify({ model: 'seedance2', inputs: { urls: ['https://example.com/photo.jpg'], prompt: 'The person slowly looks up and smiles', duration: '5s' } })),
      })
    ).json()
    let video: string | undefined
    // The seed polls every 5 s for up to 5 minutes; between polls the worker takes its turn.
    for (let polls = 0; polls < 60; polls++) {
      // Python's `params={"taskId": …}` and JS's template string produce the same query.
      const result = (await h.app.inject({ method: 'GET', url: '/api/v1/jobs/queryTask', query: { taskId }, headers })).json()
      if (result.status === 'COMPLETED') {
        video = result.output[0].url
        break
      }
      if (result.status === 'FAILED') throw new Error(result.error)
      await h.rt.worker.drain()
      h.clock.advance(5_000)
    }
    expect(video).toBeDefined()
    expect((await download(video!)).statusCode).toBe(200)
  })
})
