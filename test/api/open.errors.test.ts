import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

let h: Harness

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h.close()
})

type Auth = Record<string, string>
const BASE = '/api/open/v1'

const submit = (auth: Auth, payload: unknown) => h.app.inject({ method: 'POST', url: `${BASE}/video/generations`, headers: auth, payload: payload as object })
const usage = async (auth: Auth) => (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()
const urls = (n: number, ext = 'jpg') => Array.from({ length: n }, (_, i) => `https://example.com/${i}.${ext}`)

function expectError(res: Awaited<ReturnType<typeof submit>>, status: number, code: string) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(body).toMatchObject({ success: false, error: { code, message: expect.any(String) } })
  expect(Object.keys(body).sort()).toEqual(['error', 'success'])
  expect(res.headers['x-request-id']).toBeTruthy()
  return body.error as { code: string; message: string; field?: string }
}

describe('401 unauthorized, exactly as seed 004 shows it', () => {
  it.each([
    ['missing', {}],
    ['not bearer', { authorization: 'Basic abc' }],
    ['invalid', { authorization: 'Bearer sd2_live_your_api_key' }],
    ['unknown', { authorization: 'Bearer sk_live_000000000000000000000000000000000000000' }],
  ])('%s key', async (_name, headers) => {
    for (const res of [
      await submit(headers, { prompt: 'a cat playing piano' }),
      await h.app.inject({ method: 'GET', url: `${BASE}/video/generations/req_01hzzzzzzzzzzzzzzzzzzzzzzz`, headers }),
      await h.app.inject({ method: 'POST', url: `${BASE}/video/generations/req_01hzzzzzzzzzzzzzzzzzzzzzzz/cancel`, headers }),
    ]) {
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({ success: false, error: { code: 'unauthorized', message: 'Invalid API key' } })
    }
  })

  it('revoked key', async () => {
    const c = await h.customer()
    const [k] = await h.rt.accounts.listKeys(c.account.name)
    await h.rt.accounts.revokeKey(k!.id)
    const res = await submit(c.auth, { prompt: 'a cat playing piano' })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ success: false, error: { code: 'unauthorized', message: 'Invalid API key' } })
  })
})

describe('400 invalid_request names the field and the rule, and charges nothing', () => {
  const ok = { prompt: 'a calm lake at dawn' }
  const cases: [string, unknown, string, RegExp][] = [
    ['missing prompt', {}, 'prompt', /required/],
    ['short prompt', { prompt: 'ab' }, 'prompt', /3–10000/],
    ['prompt as number', { prompt: 5 }, 'prompt', /string/],
    ['duration 3', { ...ok, duration: 3 }, 'duration', /4–15/],
    ['duration 16', { ...ok, duration: 16 }, 'duration', /4–15/],
    ['duration 7 on seedance-1.5-pro', { ...ok, duration: 7, model: 'seedance-1.5-pro' }, 'duration', /5 or 10/],
    ['duration as string', { ...ok, duration: '5s' }, 'duration', /number/],
    ['aspect ratio 4:3', { ...ok, aspectRatio: '4:3' }, 'aspectRatio', /16:9, 9:16, 1:1/],
    ['resolution 4k', { ...ok, resolution: '4k' }, 'resolution', /480p, 720p, 1080p/],
    ['unknown model', { ...ok, model: 'sora-2' }, 'model', /not a known model/],
    ['image model', { ...ok, model: 'gpt-image-2' }, 'model', /not a video model/],
    ['end frame without first', { ...ok, endImageUrl: 'https://example.com/b.jpg' }, 'endImageUrl', /first frame/],
    ['first frame plus references', { ...ok, imageUrl: 'https://example.com/a.jpg', referenceImageUrls: urls(1) }, 'imageUrl', /cannot be combined/],
    ['10 reference images', { ...ok, referenceImageUrls: urls(10) }, 'referenceImageUrls', /at most 9/],
    ['4 reference videos', { ...ok, referenceVideoUrls: urls(4, 'mp4') }, 'referenceVideoUrls', /at most 3/],
    ['references on seedance-1.5-pro', { ...ok, model: 'seedance-1.5-pro', referenceImageUrls: urls(1) }, 'referenceImageUrls', /not supported/],
    ['audio without image or video', { ...ok, referenceAudioUrls: urls(1, 'mp3') }, 'referenceAudioUrls', /image or video/],
    ['image not a URL', { ...ok, imageUrl: 'photo.jpg' }, 'imageUrl', /URL/],
    ['image over http', { ...ok, imageUrl: 'http://example.com/a.jpg' }, 'imageUrl', /https/],
    ['private image', { ...ok, imageUrl: 'https://10.0.0.1/a.jpg' }, 'imageUrl', /private|loopback/],
    ['private reference', { ...ok, referenceImageUrls: ['https://example.com/a.jpg', 'https://169.254.169.254/x'] }, 'referenceImageUrls[1]', /private|loopback/],
    ['webhookUrl over http', { ...ok, webhookUrl: 'http://example.com/hook' }, 'webhookUrl', /https/],
    ['webhookUrl to localhost', { ...ok, webhookUrl: 'https://localhost/hook' }, 'webhookUrl', /private|loopback/],
    ['seed too big', { ...ok, seed: 4_294_967_296 }, 'seed', /-1 to 4294967295/],
    ['generateAudio as string', { ...ok, generateAudio: 'yes' }, 'generateAudio', /boolean/],
    ['snake_case field', { ...ok, image_url: 'https://example.com/a.jpg' }, 'image_url', /did you mean `imageUrl`/],
    ['unknown field', { ...ok, style: 'anime' }, 'style', /not a field/],
  ]
  it.each(cases)('%s', async (_name, payload, field, rule) => {
    const c = await h.customer(1_000)
    const err = expectError(await submit(c.auth, payload), 400, 'invalid_request')
    expect(err.field).toBe(field)
    expect(err.message).toContain(field)
    expect(err.message).toMatch(rule)
    expect(await usage(c.auth)).toMatchObject({ balance: 1_000, reserved: 0, available: 1_000 })
    expect((await h.app.inject({ method: 'GET', url: '/v1/jobs', headers: c.auth })).json().data).toEqual([])
  })

  it('malformed JSON and a wrong content type are both 400 invalid_request (004 has no 415)', async () => {
    const c = await h.customer()
    expectError(await h.app.inject({ method: 'POST', url: `${BASE}/video/generations`, headers: { ...c.auth, 'content-type': 'application/json' }, payload: '{"prompt": ' }), 400, 'invalid_request')
    expectError(await h.app.inject({ method: 'POST', url: `${BASE}/video/generations`, headers: { ...c.auth, 'content-type': 'text/plain' }, payload: 'hello' }), 400, 'invalid_request')
  })
})

describe('402, 404, 429', () => {
  it('402 insufficient_credits; nothing held', async () => {
    const c = await h.customer(199)
    const err = expectError(await submit(c.auth, { prompt: 'a cat playing piano', duration: 5 }), 402, 'insufficient_credits')
    expect(err.message).toContain('200')
    expect(await usage(c.auth)).toMatchObject({ balance: 199, reserved: 0 })
  })

  it('404 not_found for unknown, malformed and other accounts’ ids', async () => {
    const a = await h.customer()
    const b = await h.customer()
    const { requestId } = (await submit(a.auth, { prompt: 'only mine' })).json()
    for (const id of [requestId, 'req_01hzzzzzzzzzzzzzzzzzzzzzzz', 'nope', requestId.replace(/^req_/, 'task_')]) {
      expectError(await h.app.inject({ method: 'GET', url: `${BASE}/video/generations/${id}`, headers: b.auth }), 404, 'not_found')
    }
    expectError(await h.app.inject({ method: 'POST', url: `${BASE}/video/generations/${requestId}/cancel`, headers: b.auth }), 404, 'not_found')
    expect((await h.app.inject({ method: 'GET', url: `${BASE}/video/generations/${requestId}`, headers: a.auth })).statusCode).toBe(200)
    expectError(await h.app.inject({ method: 'GET', url: `${BASE}/nothing` }), 404, 'not_found')
  })

  it('429 rate_limited past the plan’s active tasks (the concurrency limit), with Retry-After', async () => {
    const c = await h.customer(10_000)
    for (let i = 0; i < 3; i++) expect((await submit(c.auth, { prompt: `clip number ${i}`, resolution: '480p', duration: 4 })).statusCode).toBe(200)
    const res = await submit(c.auth, { prompt: 'one too many', resolution: '480p', duration: 4 })
    expectError(res, 429, 'rate_limited')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect((await usage(c.auth)).reserved).toBe(3 * 80)
  })

  it('429 rate_limited past the plan’s requests per minute', async () => {
    const c = await h.customer()
    const codes: number[] = []
    for (let i = 0; i < 61; i++) codes.push((await h.app.inject({ method: 'GET', url: `${BASE}/video/generations/req_01hzzzzzzzzzzzzzzzzzzzzzzz`, headers: c.auth })).statusCode)
    expect(codes.slice(0, 60).every((s) => s === 404)).toBe(true)
    const res = await h.app.inject({ method: 'GET', url: `${BASE}/video/generations/req_01hzzzzzzzzzzzzzzzzzzzzzzz`, headers: c.auth })
    expectError(res, 429, 'rate_limited')
  })
})

describe('a failed generation', () => {
  it('reads failed with error {code, message}, no output and nothing charged', async () => {
    const f = await createHarness({ env: { REELAY_STUDIO_FAILURE_RATE: '1' } })
    try {
      const c = await f.customer(1_000)
      const { requestId } = (await f.app.inject({ method: 'POST', url: `${BASE}/video/generations`, headers: c.auth, payload: { prompt: 'this one fails' } })).json()
      await f.rt.worker.drain()
      const g = (await f.app.inject({ method: 'GET', url: `${BASE}/video/generations/${requestId}`, headers: c.auth })).json()
      expect(g).toMatchObject({ success: true, requestId, status: 'failed', output: null, creditsCharged: 0, error: { code: 'generation_failed', message: expect.any(String) } })
      expect((await f.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 1_000, reserved: 0 })
    } finally {
      await f.close()
    }
  })
})
