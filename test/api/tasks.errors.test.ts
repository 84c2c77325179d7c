import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

let h: Harness

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h.close()
})

const VIDEO = '/api/v1/video/seedance'
const GPT = '/api/v1/image/gpt-image-2'
const NBP = '/api/v1/image/nano-banana-pro'
const V25 = '/api/v1/video/seedance25'

function post(url: string, auth: Record<string, string>, payload: unknown, key: string | null = `k-${Math.random()}`) {
  return h.app.inject({ method: 'POST', url, headers: { ...auth, ...(key === null ? {} : { 'Idempotency-Key': key }) }, payload: payload as object })
}

async function expectNothingCharged(auth: Record<string, string>, credits: number) {
  expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()).toMatchObject({ balance: credits, reserved: 0, available: credits })
  expect((await h.app.inject({ method: 'GET', url: '/v1/jobs', headers: auth })).json().data).toEqual([])
}

const urls = (n: number, ext: string) => Array.from({ length: n }, (_, i) => `https://cdn.example.com/${i}.${ext}`)
const P = 'a long enough prompt'

describe('auth (401 in the 001 error shape)', () => {
  it.each([
    ['no header', {}],
    ['not bearer', { authorization: 'Basic abc' }],
    ['unknown key', { authorization: 'Bearer sk_live_your_api_key' }],
  ])('%s', async (_name, headers) => {
    for (const res of [
      await h.app.inject({ method: 'GET', url: '/api/v1/tasks/sd2_xxxxx', headers }),
      await h.app.inject({ method: 'POST', url: VIDEO, headers: { ...headers, 'Idempotency-Key': 'a' }, payload: { prompt: P } }),
    ]) {
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String), requestId: res.headers['x-request-id'] } })
    }
  })

  it('rejects a revoked key', async () => {
    const c = await h.customer()
    const [k] = await h.rt.accounts.listKeys(c.account.name)
    await h.rt.accounts.revokeKey(k!.id)
    const res = await post(VIDEO, c.auth, { prompt: P })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('unauthorized')
  })
})

describe('validation: 400 invalid_request naming the field and the rule, nothing charged', () => {
  const cases: [string, string, object, string, RegExp][] = [
    // Seedance video
    ['missing prompt', VIDEO, {}, 'prompt', /required/],
    ['short prompt', VIDEO, { prompt: 'ab' }, 'prompt', /3–10000/],
    ['long prompt', VIDEO, { prompt: 'x'.repeat(10_001) }, 'prompt', /3–10000/],
    ['empty prompt with a start frame', VIDEO, { mode: 'image-to-video', prompt: '', image_url: 'https://example.com/a.png' }, 'prompt', /required/],
    ['prompt as number', VIDEO, { prompt: 42 }, 'prompt', /string/],
    ['unknown mode', VIDEO, { prompt: P, mode: 'video-to-video' }, 'mode', /text-to-video, image-to-video, media-to-video/],
    ['unknown quality_tier', VIDEO, { prompt: P, quality_tier: 'ultra' }, 'quality_tier', /standard, pro/],
    ['unknown channel', VIDEO, { prompt: P, channel: 'fast' }, 'channel', /standard, real, wild/],
    ['aspect_ratio 5:4', VIDEO, { prompt: P, aspect_ratio: '5:4' }, 'aspect_ratio', /one of/],
    ['aspect_ratio adaptive (not in 001)', VIDEO, { prompt: P, aspect_ratio: 'adaptive' }, 'aspect_ratio', /one of/],
    ['duration "3"', VIDEO, { prompt: P, duration: '3' }, 'duration', /4–15/],
    ['duration "16"', VIDEO, { prompt: P, duration: '16' }, 'duration', /4–15/],
    ['duration "five"', VIDEO, { prompt: P, duration: 'five' }, 'duration', /whole number of seconds/],
    ['duration "-1" on Seedance 2.0', VIDEO, { prompt: P, duration: '-1' }, 'duration', /4–15 seconds for seedance-2.0-fast/],
    ['seedance25: duration "31"', V25, { prompt: P, duration: '31' }, 'duration', /4–30 seconds or -1/],
    ['seedance25: duration "-2"', V25, { prompt: P, duration: '-2' }, 'duration', /4–30 seconds or -1/],
    ['seedance25: quality_tier', V25, { prompt: P, quality_tier: 'pro' }, 'quality_tier', /not supported by Seedance 2.5/],
    ['seedance25: seed', V25, { prompt: P, seed: 7 }, 'seed', /not supported by Seedance 2.5/],
    ['seedance25: resolution 480p', V25, { prompt: P, resolution: '480p' }, 'resolution', /720p, 1080p/],
    ['duration "5.5"', VIDEO, { prompt: P, duration: '5.5' }, 'duration', /whole number/],
    ['duration as boolean', VIDEO, { prompt: P, duration: true }, 'duration', /"4" to "15"/],
    ['resolution 480p (not in 001)', VIDEO, { prompt: P, resolution: '480p' }, 'resolution', /720p, 1080p/],
    ['image-to-video without image_url', VIDEO, { prompt: P, mode: 'image-to-video' }, 'image_url', /required for image-to-video/],
    ['image_url in text-to-video', VIDEO, { prompt: P, image_url: 'https://example.com/a.png' }, 'image_url', /image-to-video/],
    ['end_image_url in text-to-video', VIDEO, { prompt: P, end_image_url: 'https://example.com/a.png' }, 'end_image_url', /image-to-video/],
    ['image_url in media-to-video', VIDEO, { prompt: P, mode: 'media-to-video', media_urls: urls(1, 'png'), image_url: 'https://example.com/a.png' }, 'image_url', /image-to-video/],
    ['media_urls in text-to-video', VIDEO, { prompt: P, media_urls: urls(1, 'png') }, 'media_urls', /media-to-video/],
    ['media_urls in image-to-video', VIDEO, { prompt: P, mode: 'image-to-video', image_url: 'https://example.com/a.png', media_urls: urls(1, 'png') }, 'media_urls', /media-to-video/],
    ['media-to-video without media_urls', VIDEO, { prompt: P, mode: 'media-to-video' }, 'media_urls', /required for media-to-video/],
    ['media-to-video with empty media_urls', VIDEO, { prompt: P, mode: 'media-to-video', media_urls: [] }, 'media_urls', /required for media-to-video/],
    ['13 media_urls', VIDEO, { prompt: P, mode: 'media-to-video', media_urls: urls(13, 'png') }, 'media_urls', /at most 12/],
    ['media_urls not a URL', VIDEO, { prompt: P, mode: 'media-to-video', media_urls: ['not a url.png'] }, 'media_urls[0]', /URL/],
    ['media_urls over http', VIDEO, { prompt: P, mode: 'media-to-video', media_urls: ['https://example.com/a.png', 'http://example.com/b.mp4'] }, 'media_urls[1]', /https/],
    // Counts per kind of media_urls need the files' bytes: see test/jobs/references.test.ts.
    ['media_urls private address', VIDEO, { prompt: P, mode: 'media-to-video', media_urls: ['https://10.0.0.1/a.png'] }, 'media_urls[0]', /private|loopback/],
    ['image_url not a URL', VIDEO, { prompt: P, mode: 'image-to-video', image_url: 'start.png' }, 'image_url', /URL/],
    ['image_url loopback', VIDEO, { prompt: P, mode: 'image-to-video', image_url: 'https://127.0.0.1/a.png' }, 'image_url', /private|loopback/],
    ['end_image_url file scheme', VIDEO, { prompt: P, mode: 'image-to-video', image_url: 'https://example.com/a.png', end_image_url: 'file:///etc/passwd' }, 'end_image_url', /https/],
    ['generate_audio as string', VIDEO, { prompt: P, generate_audio: 'yes' }, 'generate_audio', /boolean/],
    ['fixed_lens as number', VIDEO, { prompt: P, fixed_lens: 1 }, 'fixed_lens', /boolean/],
    ['seed too big', VIDEO, { prompt: P, seed: 4_294_967_296 }, 'seed', /-1 to 4294967295/],
    ['seed too small', VIDEO, { prompt: P, seed: -2 }, 'seed', /-1 to 4294967295/],
    ['seed fractional', VIDEO, { prompt: P, seed: 1.5 }, 'seed', /integer/],
    ['seed on the real channel', VIDEO, { prompt: P, channel: 'real', seed: 7 }, 'seed', /real channel/],
    ['unsupported field', VIDEO, { prompt: P, model: 'seedance-2.0' }, 'body', /unknown field.*model/],
    // GPT Image 2
    ['gpt: missing type', GPT, { prompt: P, resolution: '1K', aspectRatio: '1:1' }, 'type', /required/],
    ['gpt: unknown type', GPT, { type: 'image-to-video', prompt: P, resolution: '1K', aspectRatio: '1:1' }, 'type', /text-to-image, image-to-image/],
    ['gpt: missing prompt', GPT, { type: 'text-to-image', resolution: '1K', aspectRatio: '1:1' }, 'prompt', /required/],
    ['gpt: short prompt', GPT, { type: 'text-to-image', prompt: 'ab', resolution: '1K', aspectRatio: '1:1' }, 'prompt', /3–20000/],
    ['gpt: long prompt', GPT, { type: 'text-to-image', prompt: 'x'.repeat(20_001), resolution: '1K', aspectRatio: '1:1' }, 'prompt', /3–20000/],
    ['gpt: missing resolution', GPT, { type: 'text-to-image', prompt: P, aspectRatio: '1:1' }, 'resolution', /required/],
    ['gpt: resolution 8K', GPT, { type: 'text-to-image', prompt: P, resolution: '8K', aspectRatio: '1:1' }, 'resolution', /1K, 2K, 4K/],
    ['gpt: missing aspectRatio', GPT, { type: 'text-to-image', prompt: P, resolution: '1K' }, 'aspectRatio', /required/],
    ['gpt: aspectRatio 7:3', GPT, { type: 'text-to-image', prompt: P, resolution: '1K', aspectRatio: '7:3' }, 'aspectRatio', /one of/],
    ['gpt: auto at 2K', GPT, { type: 'text-to-image', prompt: P, resolution: '2K', aspectRatio: 'auto' }, 'resolution', /1K/],
    ['gpt: 1:1 at 4K on standard', GPT, { type: 'text-to-image', prompt: P, resolution: '4K', aspectRatio: '1:1' }, 'resolution', /standard channel/],
    ['gpt: 1:1 at 4K on explicit standard', GPT, { type: 'text-to-image', channel: 'standard', prompt: P, resolution: '4K', aspectRatio: '1:1' }, 'resolution', /standard channel/],
    ['gpt: unknown channel', GPT, { type: 'text-to-image', channel: 'cheap', prompt: P, resolution: '1K', aspectRatio: '1:1' }, 'channel', /standard, economy/],
    ['gpt: batchCount 5', GPT, { type: 'text-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1', batchCount: 5 }, 'batchCount', /1 to 4/],
    ['gpt: batchCount 0', GPT, { type: 'text-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1', batchCount: 0 }, 'batchCount', /1 to 4/],
    ['gpt: image-to-image without imageUrls', GPT, { type: 'image-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1' }, 'imageUrls', /required for image-to-image \(1–10/],
    ['gpt: image-to-image with empty imageUrls', GPT, { type: 'image-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1', imageUrls: [] }, 'imageUrls', /required/],
    ['gpt: imageUrls with text-to-image', GPT, { type: 'text-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1', imageUrls: urls(1, 'png') }, 'imageUrls', /image-to-image/],
    ['gpt: 11 imageUrls', GPT, { type: 'image-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1', imageUrls: urls(11, 'png') }, 'imageUrls', /at most 10/],
    ['gpt: bad imageUrls[1]', GPT, { type: 'image-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1', imageUrls: ['https://example.com/a.png', 'ftp://example.com/b.png'] }, 'imageUrls[1]', /https/],
    ['gpt: snake_case field', GPT, { type: 'text-to-image', prompt: P, resolution: '1K', aspect_ratio: '1:1' }, 'aspectRatio', /required/],
    // Nano Banana Pro
    ['nbp: missing type', NBP, { prompt: P }, 'type', /required/],
    ['nbp: short prompt', NBP, { type: 'text-to-image', prompt: 'ab' }, 'prompt', /3–10000/],
    ['nbp: long prompt', NBP, { type: 'text-to-image', prompt: 'x'.repeat(10_001) }, 'prompt', /3–10000/],
    ['nbp: image_size 2:1', NBP, { type: 'text-to-image', prompt: P, image_size: '2:1' }, 'image_size', /one of/],
    ['nbp: output_format webp', NBP, { type: 'text-to-image', prompt: P, output_format: 'webp' }, 'output_format', /png, jpeg/],
    ['nbp: resolution 8K', NBP, { type: 'text-to-image', prompt: P, resolution: '8K' }, 'resolution', /1K, 2K, 4K/],
    ['nbp: image-to-image without image_urls', NBP, { type: 'image-to-image', prompt: P }, 'image_urls', /required for image-to-image \(1–8/],
    ['nbp: image_urls with text-to-image', NBP, { type: 'text-to-image', prompt: P, image_urls: urls(1, 'png') }, 'image_urls', /image-to-image/],
    ['nbp: 9 image_urls', NBP, { type: 'image-to-image', prompt: P, image_urls: urls(9, 'png') }, 'image_urls', /at most 8/],
    ['nbp: bad image_urls[0]', NBP, { type: 'image-to-image', prompt: P, image_urls: ['https://localhost/a.png'] }, 'image_urls[0]', /private|loopback/],
    ['nbp: batch field (unsupported)', NBP, { type: 'text-to-image', prompt: P, batchCount: 2 }, 'body', /unknown field.*batchCount/],
  ]

  it.each(cases)('%s', async (_name, url, payload, field, rule) => {
    const c = await h.customer(1_000)
    const res = await post(url, c.auth, payload)
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body).toEqual({ error: { code: 'invalid_request', message: expect.any(String), requestId: res.headers['x-request-id'], field } })
    expect(body.error.message).toContain(`\`${field}\``)
    expect(body.error.message).toMatch(rule)
    await expectNothingCharged(c.auth, 1_000)
  })

  it('refuses an Idempotency-Key longer than 255 characters', async () => {
    const c = await h.customer()
    const res = await post(VIDEO, c.auth, { prompt: P }, 'k'.repeat(256))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'invalid_request', field: 'Idempotency-Key' })
  })

  it('answers malformed JSON, a wrong content type and a huge body with 400 invalid_request', async () => {
    const c = await h.customer(1_000)
    const headers = { ...c.auth, 'Idempotency-Key': 'j' }
    const bad = await h.app.inject({ method: 'POST', url: VIDEO, headers: { ...headers, 'content-type': 'application/json' }, payload: '{"prompt": ' })
    const text = await h.app.inject({ method: 'POST', url: VIDEO, headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hello' })
    const huge = await post(VIDEO, c.auth, { prompt: 'x'.repeat(2_000_000) })
    for (const res of [bad, text, huge]) {
      expect(res.statusCode).toBe(400)
      expect(res.json()).toEqual({ error: expect.objectContaining({ code: 'invalid_request', message: expect.any(String), requestId: expect.any(String) }) })
    }
    expect(huge.json().error.message).toMatch(/too large/)
    await expectNothingCharged(c.auth, 1_000)
  })
})

describe('not found', () => {
  it('another account’s task is 404 not_found, exactly like a missing one', async () => {
    const a = await h.customer()
    const b = await h.customer()
    const id = (await post(GPT, a.auth, { type: 'text-to-image', prompt: 'mine only', resolution: '1K', aspectRatio: '1:1' })).json().id
    const other = await h.app.inject({ method: 'GET', url: `/api/v1/tasks/${id}`, headers: b.auth })
    const missing = await h.app.inject({ method: 'GET', url: `/api/v1/tasks/sd2_01aaaaaaaaaaaaaaaaaaaaaaaa`, headers: b.auth })
    for (const res of [other, missing]) {
      expect(res.statusCode).toBe(404)
      expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), requestId: expect.any(String) } })
    }
    expect(other.json().error.message).toBe(missing.json().error.message)
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/tasks/${id}`, headers: a.auth })).statusCode).toBe(200)
  })

  it('ids of another form and unknown routes under /api/v1 are 404 not_found', async () => {
    const c = await h.customer()
    for (const url of ['/api/v1/tasks/task_01aaaaaaaaaaaaaaaaaaaaaaaa', '/api/v1/video/sora', '/api/v1/image/dall-e-3']) {
      const res = await h.app.inject({ method: url.includes('tasks') ? 'GET' : 'POST', url, headers: c.auth, ...(url.includes('tasks') ? {} : { payload: { prompt: P } }) })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('not_found')
    }
  })
})

describe('credits and limits', () => {
  it('402 insufficient_credits when the balance is short; nothing held', async () => {
    const c = await h.customer(159)
    const res = await post(VIDEO, c.auth, { prompt: P })
    expect(res.statusCode).toBe(402)
    // Clients read the figures at the top or in `error`.
    const credits = { required_credits: 160, available_credits: 159 }
    expect(res.json()).toEqual({ error: { code: 'insufficient_credits', message: expect.stringContaining('160'), requestId: expect.any(String), ...credits }, ...credits })
    await expectNothingCharged(c.auth, 159)
  })

  it('503 service_busy with Retry-After past the plan’s active jobs (credit concurrency)', async () => {
    const c = await h.customer(10_000)
    const img = { type: 'text-to-image', prompt: P, resolution: '1K', aspectRatio: '1:1' }
    for (let i = 0; i < 3; i++) expect((await post(GPT, c.auth, img)).statusCode).toBe(200)
    const res = await post(GPT, c.auth, img)
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ error: { code: 'service_busy', message: expect.any(String), requestId: expect.any(String) } })
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ reserved: 60 })
    await h.rt.worker.drain()
    expect((await post(GPT, c.auth, img)).statusCode).toBe(200)
  })

  it('429 rate_limited with Retry-After past the plan’s requests per minute', async () => {
    const c = await h.customer()
    const codes: number[] = []
    for (let i = 0; i < 61; i++) codes.push((await h.app.inject({ method: 'GET', url: '/api/v1/tasks/sd2_xxxxx', headers: c.auth })).statusCode)
    expect(codes.slice(0, 60).every((s) => s === 404)).toBe(true)
    expect(codes[60]).toBe(429)
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/tasks/sd2_xxxxx', headers: c.auth })
    expect(res.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String), requestId: expect.any(String) } })
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  })
})

describe('formatError maps every internal code onto the 001 table', () => {
  it('uses only the 001 codes and their statuses', async () => {
    const { tasksDialect } = await import('../../src/api/dialects/tasks/index.js')
    const { AppError, errorTable } = await import('../../src/errors.js')
    const table: Record<string, number> = {
      unauthorized: 401,
      invalid_request: 400,
      insufficient_credits: 402,
      rate_limited: 429,
      idempotency_conflict: 409,
      service_busy: 503,
      not_found: 404,
      internal_error: 500,
      // The one addition to 001's table (docs/api/tasks.md): a reference that could not be fetched.
      reference_unavailable: 400,
    }
    const expected: Record<string, string> = {
      forbidden: 'not_found',
      job_not_cancellable: 'invalid_request',
      too_many_keys: 'invalid_request',
      payload_too_large: 'invalid_request',
      unsupported_media_type: 'invalid_request',
      concurrency_limited: 'service_busy',
      service_unavailable: 'service_busy',
      file_unavailable: 'not_found',
      request_timeout: 'invalid_request',
      uri_too_long: 'invalid_request',
      expectation_failed: 'invalid_request',
      headers_too_large: 'invalid_request',
      code_not_redeemable: 'invalid_request',
      csrf_failed: 'unauthorized',
      login_locked: 'rate_limited',
    }
    for (const code of Object.keys(errorTable) as (keyof typeof errorTable)[]) {
      const { status, body } = tasksDialect.formatError(new AppError(code), 'req_1') as { status: number; body: { error: { code: string; requestId: string } } }
      const want = expected[code] ?? code
      expect(body.error.code, code).toBe(want)
      expect(status, code).toBe(table[want])
      expect(body.error.requestId).toBe('req_1')
    }
  })
})
