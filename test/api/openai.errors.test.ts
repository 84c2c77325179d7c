import type { AddressInfo } from 'node:net'
import { PNG } from 'pngjs'
import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

let h: Harness
let base: string
const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })
type APIError = InstanceType<typeof OpenAI.APIError>

beforeAll(async () => {
  // The worker is not started: jobs stay queued, so nothing here depends on rendering.
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await h.close()
})

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the call to fail') }, (e: unknown) => e as APIError)
const usageOf = async (auth: Record<string, string>) => (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()
const png = () => PNG.sync.write(new PNG({ width: 8, height: 8 }))

describe('authentication', () => {
  it.each([
    ['a wrong key', 'sk_live_000000000000000000000000000000000000000'],
    ['a malformed key', 'not-a-key'],
  ])('rejects %s with AuthenticationError (401 authentication_error / invalid_api_key)', async (_n, key) => {
    for (const call of [
      () => client(key).images.generate({ prompt: 'a cat on a mat' }),
      () => client(key).videos.create({ prompt: 'a cat on a mat' }),
      () => client(key).videos.list(),
      () => client(key).videos.retrieve('video_01h0000000000000000000000'),
    ]) {
      const e = await failure(call())
      expect(e).toBeInstanceOf(OpenAI.AuthenticationError)
      expect(e.error).toEqual({ message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' })
      expect(e.requestID).toBeTruthy()
    }
  })

  it('rejects a request without Authorization before reading an upload', async () => {
    const form = new FormData()
    form.set('prompt', 'edit me please')
    form.set('image', new Blob([png()], { type: 'image/png' }), 'a.png')
    const res = await fetch(`${base}/v1/images/edits`, { method: 'POST', body: form })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' } })
  })
})

describe('invalid input: BadRequestError naming the OpenAI field, nothing charged', () => {
  type Case = [string, (c: OpenAI) => Promise<unknown>, string, RegExp]
  const cases: Case[] = [
    ['image: missing prompt', (c) => c.images.generate({} as never), 'prompt', /required/],
    ['image: short prompt', (c) => c.images.generate({ prompt: 'ab' }), 'prompt', /3–20000/],
    ['image: n 5', (c) => c.images.generate({ prompt: 'a cat on a mat', n: 5 }), 'n', /1 to 4/],
    ['image: n 0', (c) => c.images.generate({ prompt: 'a cat on a mat', n: 0 }), 'n', /1 to 4/],
    ['image: webp', (c) => c.images.generate({ prompt: 'a cat on a mat', output_format: 'webp' }), 'output_format', /png, jpeg/],
    ['image: quality hd', (c) => c.images.generate({ prompt: 'a cat on a mat', quality: 'hd' }), 'quality', /low, medium, high, auto/],
    ['image: size not WxH', (c) => c.images.generate({ prompt: 'a cat on a mat', size: 'large' }), 'size', /WIDTHxHEIGHT/],
    ['image: size not multiple of 16', (c) => c.images.generate({ prompt: 'a cat on a mat', size: '1000x1000' }), 'size', /multiple of 16/],
    ['image: size ratio 4:1', (c) => c.images.generate({ prompt: 'a cat on a mat', size: '2048x512' }), 'size', /1:3 and 3:1/],
    ['image: size too large', (c) => c.images.generate({ prompt: 'a cat on a mat', size: '4096x4096' }), 'size', /3840/],
    ['image: dall-e-3', (c) => c.images.generate({ prompt: 'a cat on a mat', model: 'dall-e-3' }), 'model', /gpt-image-2/],
    ['image: unknown model', (c) => c.images.generate({ prompt: 'a cat on a mat', model: 'midjourney-7' }), 'model', /not a known model/],
    ['image: video model', (c) => c.images.generate({ prompt: 'a cat on a mat', model: 'seedance-2.0' }), 'model', /not an image model/],
    ['image: stream', (c) => c.images.generate({ prompt: 'a cat on a mat', stream: true }) as Promise<unknown>, 'stream', /not supported/],
    ['image: transparent background', (c) => c.images.generate({ prompt: 'a cat on a mat', background: 'transparent' }), 'background', /transparent/],
    ['image: response_format', (c) => c.images.generate({ prompt: 'a cat on a mat', response_format: 'base64' as never }), 'response_format', /b64_json, url/],
    ['edit: no image', (c) => c.images.edit({ prompt: 'a cat on a mat' } as never), 'image', /required/],
    ['edit: not an image file', async (c) => c.images.edit({ prompt: 'a cat on a mat', image: await toFile(Buffer.from('hello, world'), 'a.png', { type: 'image/png' }) }), 'image', /PNG, JPEG or WebP/],
    ['edit: mask', async (c) => c.images.edit({ prompt: 'a cat on a mat', image: await toFile(png(), 'a.png'), mask: await toFile(png(), 'm.png') }), 'mask', /not supported/],
    ['edit: 11 images', async (c) => c.images.edit({ prompt: 'a cat on a mat', image: await Promise.all(Array.from({ length: 11 }, (_, i) => toFile(png(), `${i}.png`))) }), 'image', /at most 10/],
    ['edit: bad image_url', (c) => c.images.edit({ prompt: 'a cat on a mat', images: [{ image_url: 'ftp://example.com/a.png' }] } as never), 'images[0].image_url', /http/],
    ['video: missing prompt', (c) => c.videos.create({} as never), 'prompt', /required/],
    ['video: seconds 3', (c) => c.videos.create({ prompt: 'a long shot', seconds: '3' as '4' }), 'seconds', /4–15/],
    ['video: seconds 16', (c) => c.videos.create({ prompt: 'a long shot', seconds: '16' as '4' }), 'seconds', /4–15/],
    ['video: seconds 4 on seedance-1.5-pro', (c) => c.videos.create({ prompt: 'a long shot', seconds: '4', model: 'seedance-1.5-pro' }), 'seconds', /5 or 10/],
    ['video: seconds words', (c) => c.videos.create({ prompt: 'a long shot', seconds: 'four' as '4' }), 'seconds', /whole number/],
    ['video: size', (c) => c.videos.create({ prompt: 'a long shot', size: 'hd' as '720x1280' }), 'size', /WIDTHxHEIGHT/],
    ['video: size ratio', (c) => c.videos.create({ prompt: 'a long shot', size: '4000x720' as '720x1280' }), 'size', /1:3 and 3:1/],
    ['video: image model', (c) => c.videos.create({ prompt: 'a long shot', model: 'gpt-image-1' }), 'model', /not a known model|not a video model/],
    ['video: file_id reference', (c) => c.videos.create({ prompt: 'a long shot', input_reference: { file_id: 'file_123' } }), 'input_reference.file_id', /not supported/],
    ['video: private reference URL', (c) => c.videos.create({ prompt: 'a long shot', input_reference: { image_url: 'file:///etc/passwd' } }), 'input_reference.image_url', /http/],
    ['video: text file reference', async (c) => c.videos.create({ prompt: 'a long shot', input_reference: await toFile(Buffer.from('not an image'), 'a.png') }), 'input_reference', /PNG, JPEG or WebP/],
    ['list: order asc', (c) => c.videos.list({ order: 'asc' }), 'order', /desc/],
    ['list: limit 0', (c) => c.videos.list({ limit: 0 }), 'limit', /at least 1/],
    ['list: bad after', (c) => c.videos.list({ after: 'cursor-1' }), 'after', /video id/],
  ]
  it.each(cases)('%s', async (_name, call, param, rule) => {
    const c = await h.customer(1_000)
    const e = await failure(call(client(c.key)))
    expect(e).toBeInstanceOf(OpenAI.BadRequestError)
    expect(e.status).toBe(400)
    expect(e.type).toBe('invalid_request_error')
    expect(e.param).toBe(param)
    expect(e.code === 'invalid_value' || e.code === 'missing_required_parameter').toBe(true)
    expect(e.error).toEqual({ message: expect.stringMatching(rule), type: 'invalid_request_error', param, code: e.code })
    expect(await usageOf(c.auth)).toMatchObject({ balance: 1_000, reserved: 0, available: 1_000 })
    expect((await h.app.inject({ method: 'GET', url: '/v1/jobs', headers: c.auth })).json().data).toEqual([])
  })

  it('answers malformed JSON, a wrong content type and multipart on the JSON-only route in the OpenAI shape', async () => {
    const c = await h.customer()
    const headers = { authorization: `Bearer ${c.key}` }
    const bad = await fetch(`${base}/v1/images/generations`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"prompt": ' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'body' } })
    const text = await fetch(`${base}/v1/videos`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'hello' })
    expect(text.status).toBe(415)
    expect(await text.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'unsupported_media_type' } })
    const form = new FormData()
    form.set('prompt', 'a cat on a mat')
    const multi = await fetch(`${base}/v1/images/generations`, { method: 'POST', headers, body: form })
    expect(multi.status).toBe(415)
    expect(await multi.json()).toMatchObject({ error: { code: 'unsupported_media_type', param: 'Content-Type' } })
  })

  it('refuses an upload over 20 MB with 413 naming the field', async () => {
    const c = await h.customer(1_000)
    const big = Buffer.alloc(20 * 1024 * 1024 + 1)
    png().copy(big)
    const e = await failure(client(c.key).images.edit({ prompt: 'a cat on a mat', image: await toFile(big, 'big.png') }))
    expect(e.status).toBe(413)
    expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large', param: 'image' })
    expect(await usageOf(c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
  })
})

describe('not found, conflicts, quota and rate limits', () => {
  it('NotFoundError for unknown, malformed and foreign video ids', async () => {
    const c = await h.customer()
    for (const id of ['video_01h0000000000000000000000', 'vid-123', 'job_01h0000000000000000000000']) {
      const e = await failure(client(c.key).videos.retrieve(id))
      expect(e).toBeInstanceOf(OpenAI.NotFoundError)
      expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' })
    }
  })

  it('answers an unknown route under /v1 with 404', async () => {
    const c = await h.customer()
    const res = await fetch(`${base}/v1/videos/video_x/remix`, { method: 'POST', headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' }, body: '{"prompt":"again"}' })
    expect(res.status).toBe(404)
  })

  it('answers an unknown route under /v1/videos/ in the OpenAI shape, even when it begins like /v1/videos/generate', async () => {
    const res = await h.app.inject({ method: 'PATCH', url: '/v1/videos/generated-clips/x' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'not_found' } })
  })

  it('names no field (param null, not "") for a file part without a field name', async () => {
    const c = await h.customer()
    const b = 'fuzzb0undary'
    const payload = `--${b}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na cat on a mat\r\n--${b}\r\nContent-Disposition: form-data; name=""; filename="a.png"\r\nContent-Type: image/png\r\n\r\nxx\r\n--${b}--\r\n`
    const res = await h.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...c.auth, 'content-type': `multipart/form-data; boundary=${b}` }, payload })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ type: 'invalid_request_error', param: null, message: expect.stringMatching(/has no field name/) })
    expect(await usageOf(c.auth)).toMatchObject({ reserved: 0 })
  })

  it('ConflictError when an Idempotency-Key is reused with a different body', async () => {
    const c = await h.customer(10_000)
    const sdk = client(c.key)
    const first = await sdk.videos.create({ prompt: 'a first clip of the sea' }, { headers: { 'Idempotency-Key': 'vid-1' } })
    const replay = await sdk.videos.create({ prompt: 'a first clip of the sea' }, { headers: { 'Idempotency-Key': 'vid-1' } })
    expect(replay.id).toBe(first.id)
    const e = await failure(sdk.videos.create({ prompt: 'a different clip' }, { headers: { 'Idempotency-Key': 'vid-1' } }))
    expect(e).toBeInstanceOf(OpenAI.ConflictError)
    expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_conflict', param: 'Idempotency-Key' })
  })

  it('no credits → 429 insufficient_quota that the SDK is told not to retry; nothing held', async () => {
    const c = await h.customer(19)
    const e = await failure(client(c.key).images.generate({ prompt: 'a cat on a mat' }))
    expect(e).toBeInstanceOf(OpenAI.RateLimitError)
    expect(e.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota', param: null, message: expect.stringContaining('20') })
    expect(e.headers?.get('x-should-retry')).toBe('false')
    expect(await usageOf(c.auth)).toMatchObject({ balance: 19, reserved: 0 })
    const v = await failure(client(c.key).videos.create({ prompt: 'a long shot' }))
    expect(v).toBeInstanceOf(OpenAI.RateLimitError)
    expect(v.code).toBe('insufficient_quota')
  })

  it('RateLimitError rate_limit_exceeded with Retry-After past the active-job limit', async () => {
    const c = await h.customer(10_000)
    const sdk = client(c.key)
    for (let i = 0; i < 3; i++) await sdk.videos.create({ prompt: `queued clip ${i}` })
    const e = await failure(sdk.videos.create({ prompt: 'one too many' }))
    expect(e).toBeInstanceOf(OpenAI.RateLimitError)
    expect(e.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null })
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0)
    expect(e.headers?.get('x-should-retry')).toBeNull()
  })

  it('RateLimitError rate_limit_exceeded with Retry-After past the plan’s requests per minute', async () => {
    const c = await h.customer()
    const sdk = client(c.key)
    for (let i = 0; i < 60; i++) await sdk.videos.list()
    const e = await failure(sdk.videos.list())
    expect(e).toBeInstanceOf(OpenAI.RateLimitError)
    expect(e.code).toBe('rate_limit_exceeded')
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0)
  })

  it('publishes the OpenAI routes in /openapi.json', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/images/generations', '/v1/images/edits', '/v1/videos', '/v1/videos/{video_id}', '/v1/videos/{video_id}/content']))
    expect(Object.keys(doc.paths['/v1/videos'].post.requestBody.content)).toEqual(['multipart/form-data', 'application/json'])
    expect(doc.paths['/v1/images/generations'].post.requestBody.content['application/json'].schema.required).toContain('prompt')
  })
})
