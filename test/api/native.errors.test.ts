import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

let h: Harness

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h.close()
})

const video = (auth: Record<string, string>, payload: unknown, key = `k-${Math.random()}`) =>
  h.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...auth, 'idempotency-key': key }, payload: payload as object })
const image = (auth: Record<string, string>, payload: unknown, key = `k-${Math.random()}`) =>
  h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': key }, payload: payload as object })

describe('auth', () => {
  it.each([
    ['no header', {}],
    ['not bearer', { authorization: 'Basic abc' }],
    ['malformed key', { authorization: 'Bearer sk_live_nope' }],
    ['checksum typo', { authorization: 'Bearer sk_live_000000000000000000000000000000000000000' }],
  ])('rejects %s with 401 in the 000 error shape', async (_name, headers) => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/usage', headers })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ ok: false, error: { code: 'unauthorized', message: expect.any(String), requestId: res.headers['x-request-id'] } })
  })

  it('rejects a revoked key', async () => {
    const c = await h.customer()
    const [k] = await h.rt.accounts.listKeys(c.account.name)
    await h.rt.accounts.revokeKey(k!.id)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).statusCode).toBe(401)
  })

  it('returns 404 for another account’s job, exactly as for a missing one', async () => {
    const a = await h.customer()
    const b = await h.customer()
    const job = (await image(a.auth, { prompt: 'mine only' })).json().jobId
    for (const url of [`/v1/jobs/${job}`, `/v1/jobs/${job}/result`]) {
      const res = await h.app.inject({ method: 'GET', url, headers: b.auth })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('not_found')
    }
    expect((await h.app.inject({ method: 'POST', url: `/v1/jobs/${job}/cancel`, headers: b.auth })).statusCode).toBe(404)
    expect((await h.app.inject({ method: 'GET', url: `/v1/jobs/${job}`, headers: a.auth })).statusCode).toBe(200)
  })
})

describe('validation names the field and the rule, and charges nothing', () => {
  const cases: [string, 'video' | 'image', object, string, RegExp][] = [
    ['missing prompt', 'video', { size: '16:9_SMALL' }, 'prompt', /required/],
    ['short prompt', 'video', { prompt: 'ab' }, 'prompt', /3–10000/],
    ['long image prompt', 'image', { prompt: 'x'.repeat(20_001) }, 'prompt', /3–20000/],
    ['duration 3', 'video', { prompt: 'a long shot', duration: 3 }, 'duration', /4–15/],
    ['duration 16', 'video', { prompt: 'a long shot', duration: 16 }, 'duration', /4–15/],
    ['duration 7 on 1.5-pro', 'video', { prompt: 'a long shot', duration: 7, model: 'seedance-1.5-pro' }, 'duration', /5 or 10/],
    ['duration as string', 'video', { prompt: 'a long shot', duration: '5' }, 'duration', /number/],
    ['bad size', 'video', { prompt: 'a long shot', size: 'huge' }, 'size', /16:9_SMALL/],
    ['bad ratio', 'video', { prompt: 'a long shot', size: '5:4_SMALL' }, 'size', /one of/],
    ['seed too big', 'video', { prompt: 'a long shot', seed: 4_294_967_296 }, 'seed', /-1 to 4294967295/],
    ['seed too small', 'image', { prompt: 'a long shot', seed: -2 }, 'seed', /-1 to 4294967295/],
    ['unknown model', 'video', { prompt: 'a long shot', model: 'sora-9' }, 'model', /not a known model/],
    ['image model on video route', 'video', { prompt: 'a long shot', model: 'gpt-image-2' }, 'model', /not a video model/],
    ['quality', 'image', { prompt: 'a picture', quality: 'ULTRA' }, 'quality', /LOW, MEDIUM, HIGH/],
    ['batch 5', 'image', { prompt: 'a picture', n: 5 }, 'n', /1 to 4/],
    ['auto ratio at 2K', 'image', { prompt: 'a picture', size: 'auto_MEDIUM' }, 'size', /1K/],
    ['too many reference images', 'video', { prompt: 'a picture', referenceImages: Array.from({ length: 10 }, (_, i) => `https://example.com/${i}.png`) }, 'referenceImages', /at most 9/],
    ['too many reference videos', 'video', { prompt: 'a picture', referenceImages: ['https://example.com/a.png'], referenceVideos: Array.from({ length: 4 }, (_, i) => `https://example.com/${i}.mp4`) }, 'referenceVideos', /at most 3/],
    ['audio without visuals', 'video', { prompt: 'a picture', referenceAudios: ['https://example.com/a.mp3'] }, 'referenceAudios', /image or video/],
    ['end frame without start', 'video', { prompt: 'a picture', endImage: 'https://example.com/a.png' }, 'endImage', /first frame/],
    ['frame plus references', 'video', { prompt: 'a picture', referenceImage: 'https://example.com/a.png', referenceImages: ['https://example.com/b.png'] }, 'referenceImage', /cannot be combined/],
    ['non-URL reference', 'image', { prompt: 'a picture', referenceImage: 'not a url' }, 'referenceImage', /URL/],
    ['file URL reference', 'image', { prompt: 'a picture', referenceImage: 'file:///etc/passwd' }, 'referenceImage', /https|scheme|http/],
    ['private URL reference', 'image', { prompt: 'a picture', referenceImage: 'https://127.0.0.1/x.png' }, 'referenceImage', /private|loopback|not allowed/],
    ['prompt as number', 'image', { prompt: 42 }, 'prompt', /string/],
  ]
  it.each(cases)('%s → 400 invalid_request', async (_name, type, payload, field, rule) => {
    const c = await h.customer(1_000)
    const res = await (type === 'video' ? video : image)(c.auth, payload)
    expect(res.statusCode).toBe(400)
    const err = res.json().error
    expect(err.code).toBe('invalid_request')
    // Array items are named with their index, e.g. referenceImage[0].
    expect(err.field).toMatch(new RegExp(`^${field}(\\[\\d+\\])?$`))
    expect(err.message).toContain(field)
    expect(err.message).toMatch(rule)
    const usage = (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()
    expect(usage).toMatchObject({ balance: 1_000, reserved: 0, available: 1_000 })
    expect((await h.app.inject({ method: 'GET', url: '/v1/jobs', headers: c.auth })).json().data).toEqual([])
  })

  it('requires an Idempotency-Key on generate', async () => {
    const c = await h.customer()
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: c.auth, payload: { prompt: 'a picture' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'invalid_request', field: 'Idempotency-Key' })
  })

  it('refuses an Idempotency-Key longer than 255 characters', async () => {
    const c = await h.customer()
    const res = await image(c.auth, { prompt: 'a picture' }, 'k'.repeat(256))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.field).toBe('Idempotency-Key')
  })

  it('answers malformed JSON, a wrong content type and a huge body with clear 4xx errors', async () => {
    const c = await h.customer()
    const bad = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'j', 'content-type': 'application/json' }, payload: '{"prompt": ' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('invalid_request')
    const text = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'j', 'content-type': 'text/plain' }, payload: 'hello' })
    expect(text.statusCode).toBe(415)
    expect(text.json().error.code).toBe('unsupported_media_type')
    const huge = await image(c.auth, { prompt: 'x'.repeat(2_000_000) })
    expect(huge.statusCode).toBe(413)
    expect(huge.json()).toMatchObject({ ok: false, error: { code: 'payload_too_large' } })
  })

  it('answers unknown routes with 404 not_found', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/nothing-here' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })
})

describe('credits and limits', () => {
  it('answers 402 when available credits are below the price, and keeps the balance', async () => {
    const c = await h.customer(19)
    const res = await image(c.auth, { prompt: 'a picture', quality: 'LOW', size: '1:1_SMALL' })
    expect(res.statusCode).toBe(402)
    expect(res.json().error).toMatchObject({ code: 'insufficient_credits', message: expect.stringContaining('20') })
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 19, reserved: 0 })
  })

  it('answers 429 concurrency_limited with Retry-After past the plan’s active jobs', async () => {
    const c = await h.customer(10_000)
    for (let i = 0; i < 3; i++) expect((await image(c.auth, { prompt: `picture ${i}` })).statusCode).toBe(202)
    const res = await image(c.auth, { prompt: 'one too many' })
    expect(res.statusCode).toBe(429)
    expect(res.json().error.code).toBe('concurrency_limited')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    await h.rt.worker.drain()
    expect((await image(c.auth, { prompt: 'room again' })).statusCode).toBe(202)
  })

  it('answers 429 rate_limited with Retry-After past the plan’s requests per minute', async () => {
    const c = await h.customer()
    const codes: number[] = []
    for (let i = 0; i < 61; i++) codes.push((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).statusCode)
    expect(codes.slice(0, 60).every((s) => s === 200)).toBe(true)
    expect(codes[60]).toBe(429)
    const res = await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })
    expect(res.json().error.code).toBe('rate_limited')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('refuses to cancel a finished job with 409', async () => {
    const c = await h.customer()
    const id = (await image(c.auth, { prompt: 'finish me' })).json().jobId
    await h.rt.worker.drain()
    const res = await h.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel`, headers: c.auth })
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('job_not_cancellable')
  })
})
