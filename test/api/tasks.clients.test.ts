import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppError, type ErrorCode } from '../../src/errors.js'
import { DIALECTS } from '../../src/api/dialects/index.js'
import { dialectErrors, registerErrorHandling } from '../../src/api/plugins/errors.js'
import { createHarness, type Harness } from '../support/harness.js'
import type { MediaServer } from '../support/media-server.js'
import { startMediaHarness } from '../support/media-harness.js'

/**
 * The requests public clients of the live 001 service send, byte for byte: `fetch` with
 * Authorization and Content-Type only (no Idempotency-Key), the live `/seedance2` path,
 * `quality_tier: "mini"`, durations as strings, and the fields they read back.
 */
let h: Harness
// References are fetched at submit: the clients' cdn.example.com URLs point at real files on loopback.
let files: MediaServer

let close: () => Promise<void>

beforeAll(async () => {
  ;({ h, files, close } = await startMediaHarness())
})
afterAll(() => close())
// Most tests here read submit-time answers; a job they leave queued would be rendered by the next
// test's drain (a 30 s 1080p video among them). Cancelled, it is released and never rendered.
afterEach(() => h.cancelUnfinished())

type Auth = Record<string, string>

/** `fetch(URL, { method: 'POST', headers: { Authorization, 'Content-Type' }, body: JSON.stringify(…) })`. */
function clientPost(key: string, path: string, body: string, extra: Auth = {}) {
  return h.app.inject({ method: 'POST', url: path, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...extra }, payload: files.seeded(body) })
}
const task = async (key: string, id: string) => (await h.app.inject({ method: 'GET', url: `/api/v1/tasks/${id}`, headers: { Authorization: `Bearer ${key}` } })).json()
const usage = async (auth: Auth) => (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()

/** What a media-to-video client builds (Seedance 2 Mini, 15 s, 1080p, 9:16, audio on). */
const MINI_BODY = JSON.stringify({
  mode: 'media-to-video',
  quality_tier: 'mini',
  channel: 'standard',
  prompt: 'A premium product turning slowly on a marble plinth, soft studio light',
  media_urls: ['https://cdn.example.com/store-assets/ugc-temp/seed-1.jpg', 'https://cdn.example.com/store-assets/ugc-temp/seed-2.png'],
  duration: '15',
  resolution: '1080p',
  aspect_ratio: '9:16',
  generate_audio: true,
})

describe('POST /api/v1/video/seedance2, the live path', () => {
  it('submits Seedance 2.0 Mini without an Idempotency-Key; the answer has id and credits_used at the Mini price', async () => {
    const c = await h.customer(10_000)
    const res = await clientPost(c.key, '/api/v1/video/seedance2', MINI_BODY)
    expect(res.statusCode, res.body).toBe(200)
    const b = res.json()
    const taskId = b.id ?? b.taskId ?? b.task_id
    expect(taskId).toMatch(/^sd2_/)
    // Mini: 15 s × 20 credits × 2 (1080p); the standard tier would be 15 × 32 × 2 = 960.
    expect(b).toMatchObject({ id: taskId, status: 'pending', credits_used: 600, credits_refunded: 0 })
    const job = await h.rt.jobs.get(c.account.id, taskId.replace('sd2_', 'job_'))
    expect(job).toMatchObject({ model: 'seedance-2.0-mini', params: { durationSec: 15, resolution: '1080p', aspectRatio: '9:16', qualityTier: 'mini' } })
    expect(await usage(c.auth)).toMatchObject({ balance: 10_000, reserved: 600 })
  })

  it('Mini is a catalog model priced below the standard tier, listed with its own price', async () => {
    const c = await h.customer(10_000)
    const body = (tier: string) => JSON.stringify({ prompt: 'a paper boat on a rainy street', quality_tier: tier, duration: '5' })
    const mini = (await clientPost(c.key, '/api/v1/video/seedance2', body('mini'))).json()
    const standard = (await clientPost(c.key, '/api/v1/video/seedance2', body('standard'))).json()
    expect(mini.credits_used).toBe(100)
    expect(standard.credits_used).toBe(160)
    const models = (await h.app.inject({ method: 'GET', url: '/v1/models', headers: c.auth })).json()
    expect(JSON.stringify(models)).toContain('seedance-2.0-mini')
  })

  it('reaches the same handler as the documented /seedance: a retry through either path with the same key replays', async () => {
    const c = await h.customer(10_000)
    const body = JSON.stringify({ prompt: 'a glass train on a snowy bridge', duration: '5' })
    const a = await clientPost(c.key, '/api/v1/video/seedance2', body, { 'Idempotency-Key': 'both-paths' })
    const b = await clientPost(c.key, '/api/v1/video/seedance', body, { 'Idempotency-Key': 'both-paths' })
    expect(b.json().id).toBe(a.json().id)
    expect(b.headers['idempotent-replayed']).toBe('true')
    expect(await usage(c.auth)).toMatchObject({ reserved: 160 })
  })

  it('takes duration as a string ("6") or a number (6), with the same result', async () => {
    const c = await h.customer(10_000)
    const asString = (await clientPost(c.key, '/api/v1/video/seedance2', JSON.stringify({ prompt: 'a kite over the dunes', duration: '6' }))).json()
    const asNumber = (await clientPost(c.key, '/api/v1/video/seedance2', JSON.stringify({ prompt: 'a kite over the dunes', duration: 6 }))).json()
    expect([asString.credits_used, asNumber.credits_used]).toEqual([192, 192])
    for (const t of [asString, asNumber]) {
      expect((await h.rt.jobs.get(c.account.id, t.id.replace('sd2_', 'job_')))?.params).toMatchObject({ durationSec: 6 })
    }
  })
})

describe('Idempotency-Key on 001 routes', () => {
  it('is optional: each POST without one is a new task', async () => {
    const c = await h.customer(10_000)
    const body = JSON.stringify({ type: 'text-to-image', prompt: 'a red kite over a beach', resolution: '1K', aspectRatio: '1:1' })
    const a = (await clientPost(c.key, '/api/v1/image/gpt-image-2', body)).json()
    const b = (await clientPost(c.key, '/api/v1/image/gpt-image-2', body)).json()
    expect(a.id).not.toBe(b.id)
    expect(await usage(c.auth)).toMatchObject({ reserved: 40 })
  })

  it('when present keeps the replay and conflict rules', async () => {
    const c = await h.customer(10_000)
    const body = JSON.stringify({ type: 'text-to-image', prompt: 'a red kite over a beach', image_size: '1:1' })
    const a = await clientPost(c.key, '/api/v1/image/nano-banana-pro', body, { 'Idempotency-Key': 'k-1' })
    expect(a.statusCode).toBe(200)
    const b = await clientPost(c.key, '/api/v1/image/nano-banana-pro', body, { 'Idempotency-Key': 'k-1' })
    expect(b.json().id).toBe(a.json().id)
    const other = await clientPost(c.key, '/api/v1/image/nano-banana-pro', body.replace('red', 'blue'), { 'Idempotency-Key': 'k-1' })
    expect(other.statusCode).toBe(409)
    expect(other.json().error.code).toBe('idempotency_conflict')
    expect(await usage(c.auth)).toMatchObject({ reserved: 20 })
  })

  it('stays required on seed 000 (/v1), as its document says', async () => {
    const c = await h.customer(10_000)
    const res = await clientPost(c.key, '/v1/images/generate', JSON.stringify({ prompt: 'a red kite over a beach' }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'invalid_request', field: 'Idempotency-Key' })
    expect(await usage(c.auth)).toMatchObject({ balance: 10_000, reserved: 0 })
  })
})

describe('POST /api/v1/video/seedance25', () => {
  it('duration "-1" lets the model pick: the hold covers 30 s, the capture what was rendered, the rest is refunded', async () => {
    const c = await h.customer(10_000)
    const res = await clientPost(c.key, '/api/v1/video/seedance25', JSON.stringify({ prompt: 'a lighthouse in a storm at night', duration: '-1', resolution: '720p' }))
    expect(res.statusCode).toBe(200)
    const sub = res.json()
    // 30 s × 48 credits at 720p held while it runs.
    expect(sub).toMatchObject({ status: 'pending', credits_used: 1_440, credits_refunded: 0 })
    expect((await h.rt.jobs.get(c.account.id, sub.id.replace('sd2_', 'job_')))?.model).toBe('seedance-2.5')
    await h.rt.worker.drain()
    const done = await task(c.key, sub.id)
    // The studio picked 5 s: 5 × 48 captured, read from the ledger, not from the quoted price.
    expect(done).toMatchObject({ status: 'completed', output: { video_url: expect.any(String) }, credits_used: 240, credits_refunded: 1_200 })
    expect(await usage(c.auth)).toMatchObject({ balance: 9_760, reserved: 0 })
    // Through the OpenAI API the same video reads as the 5 s it came out as, not -1.
    const asVideo = (await h.app.inject({ method: 'GET', url: `/v1/videos/${sub.id.replace('sd2_', 'video_')}`, headers: c.auth })).json()
    expect(asVideo).toMatchObject({ status: 'completed', seconds: '5', size: '1280x720' })
  })

  it('takes 4–30 s and 1080p, at its own price', async () => {
    const c = await h.customer(100_000)
    const res = await clientPost(c.key, '/api/v1/video/seedance25', JSON.stringify({ prompt: 'a long tracking shot through a market', duration: '30', resolution: '1080p' }))
    expect(res.statusCode).toBe(200)
    expect(res.json().credits_used).toBe(30 * 48 * 2)
  })

  it('refuses quality_tier and seed, naming the field; nothing is charged', async () => {
    const c = await h.customer(10_000)
    for (const [field, extra] of [['quality_tier', { quality_tier: 'standard' }], ['seed', { seed: 42 }]] as const) {
      const res = await clientPost(c.key, '/api/v1/video/seedance25', JSON.stringify({ prompt: 'a lighthouse in a storm', ...extra }))
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'invalid_request', field })
    }
    expect(await usage(c.auth)).toMatchObject({ balance: 10_000, reserved: 0 })
  })
})

describe('answers clients read', () => {
  it('image tasks give output.images[] = {url, width, height} and keep output.image_urls', async () => {
    const c = await h.customer(10_000)
    const sub = (await clientPost(c.key, '/api/v1/image/nano-banana-pro', JSON.stringify({ type: 'text-to-image', prompt: 'a premium packaging mockup', image_size: '16:9', resolution: '1K' }))).json()
    await h.rt.worker.drain()
    const t = await task(c.key, sub.id)
    expect(t.status).toBe('completed')
    expect(t.output.images).toEqual([{ url: t.output.image_urls[0], width: 1360, height: 768 }])
    expect(t).toMatchObject({ credits_used: 20, credits_refunded: 0 })
  })

  it('a 402 carries required_credits and available_credits', async () => {
    const c = await h.customer(100)
    const res = await clientPost(c.key, '/api/v1/video/seedance2', JSON.stringify({ prompt: 'a glass train on a snowy bridge', duration: '5' }))
    expect(res.statusCode).toBe(402)
    const b = res.json()
    expect(b).toMatchObject({ required_credits: 160, available_credits: 100, error: { code: 'insufficient_credits', required_credits: 160, available_credits: 100 } })
  })

  it('GPT Image 2 economy is priced below standard through the price book factor', async () => {
    const c = await h.customer(10_000)
    const body = (channel: string) => JSON.stringify({ type: 'text-to-image', channel, prompt: 'a chrome running shoe', resolution: '2K', aspectRatio: '1:1' })
    const standard = (await clientPost(c.key, '/api/v1/image/gpt-image-2', body('standard'))).json()
    const economy = (await clientPost(c.key, '/api/v1/image/gpt-image-2', body('economy'))).json()
    expect([standard.credits_used, economy.credits_used]).toEqual([40, 20])
  })

  it('an operator factor for economy in the price file changes its price', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'reelay-prices-')), 'prices.json')
    writeFileSync(file, JSON.stringify({ image: { tierMultiplier: { economy: 0.25 } } }))
    const f = await createHarness({ env: { REELAY_PRICES_FILE: file } })
    try {
      const c = await f.customer(10_000)
      const res = await f.app.inject({
        method: 'POST',
        url: '/api/v1/image/gpt-image-2',
        headers: { Authorization: `Bearer ${c.key}`, 'Content-Type': 'application/json' },
        payload: { type: 'text-to-image', channel: 'economy', prompt: 'a chrome running shoe', resolution: '2K', aspectRatio: '1:1' },
      })
      expect(res.json().credits_used).toBe(10)
    } finally {
      await f.close()
    }
  })
})

describe('Retry-After on every 429 and 503, in every dialect', () => {
  it('is set from the status each dialect answers with, even when the error names no delay', async () => {
    const app = Fastify()
    const byName = new Map(DIALECTS.map((d) => [d.name, d]))
    await registerErrorHandling(app, dialectErrors(byName, DIALECTS[0]!), byName)
    const PATHS: Record<string, string> = { native: '/v1/x', tasks: '/api/v1/x', jobs: '/api/v1/jobs/x', open: '/api/open/v1/x', openai: '/v1/videos/x' }
    for (const [dialect, path] of Object.entries(PATHS)) {
      app.get(path, { config: { dialect } }, async (req) => {
        throw new AppError((req.query as { code: ErrorCode }).code)
      })
    }
    const codes = Object.keys((await import('../../src/errors.js')).errorTable) as ErrorCode[]
    const seen: string[] = []
    for (const [dialect, path] of Object.entries(PATHS)) {
      for (const code of codes) {
        const res = await app.inject({ method: 'GET', url: `${path}?code=${code}` })
        if (res.statusCode !== 429 && res.statusCode !== 503) continue
        seen.push(`${dialect}:${code}:${res.statusCode}`)
        expect(Number(res.headers['retry-after']), `${dialect} ${code}`).toBeGreaterThan(0)
      }
    }
    // Includes the mapped ones: OpenAI's 429 insufficient_quota and 001's 503 service_busy.
    expect(seen).toEqual(expect.arrayContaining(['openai:insufficient_credits:429', 'tasks:concurrency_limited:503', 'jobs:service_unavailable:503', 'open:rate_limited:429']))
    await app.close()
  })

  it('a real 429 through the OpenAI dialect (insufficient quota) carries it', async () => {
    const c = await h.customer(10)
    const res = await h.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...c.auth, 'content-type': 'application/json' }, payload: { prompt: 'a lighthouse in a storm', seconds: '4' } })
    expect(res.statusCode).toBe(429)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  })
})

describe('OpenAI GET /v1/videos/:id', () => {
  it('sends openai-poll-after-ms while the video runs, and not once it is done', async () => {
    const c = await h.customer(10_000)
    const addr = await h.app.listen({ host: '127.0.0.1', port: 0 })
    const client = new OpenAI({ apiKey: c.key, baseURL: `${addr}/v1`, maxRetries: 0 })
    const video = await client.videos.create({ prompt: 'a lighthouse in a storm', seconds: '4' })
    const running = await client.videos.retrieve(video.id).withResponse()
    expect(running.data.status).toBe('queued')
    expect(Number(running.response.headers.get('openai-poll-after-ms'))).toBeGreaterThanOrEqual(1_000)
    await h.rt.worker.drain()
    const done = await client.videos.retrieve(video.id).withResponse()
    expect(done.data.status).toBe('completed')
    expect(done.response.headers.get('openai-poll-after-ms')).toBeNull()
  })
})
