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

const createTask = (auth: Auth, payload: unknown, extra: Auth = {}) =>
  h.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: { ...auth, ...extra }, payload: payload as object })
const queryTask = (auth: Auth, taskId: string) => h.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${encodeURIComponent(taskId)}`, headers: auth })
const credits = async (auth: Auth) => (await h.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers: auth })).json()
const urls = (n: number, ext = 'jpg') => Array.from({ length: n }, (_, i) => `https://example.com/${i}.${ext}`)

/** The documented error body: `error` is a readable string, as on a FAILED task. */
function expectError(res: Awaited<ReturnType<typeof queryTask>>, status: number, code: string) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(body).toMatchObject({ error: expect.any(String), code, status, requestId: res.headers['x-request-id'] })
  return body
}

describe('401: invalid or missing API key', () => {
  it.each([
    ['no header', {}],
    ['not bearer', { authorization: 'Basic abc' }],
    ['unknown key', { authorization: 'Bearer sk_live_000000000000000000000000000000000000000' }],
  ])('%s', async (_name, headers) => {
    for (const res of [
      await h.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers }),
      await createTask(headers, { model: 'seedance2', inputs: { prompt: 'a cat playing piano' } }),
      await queryTask(headers, 'task_01hzzzzzzzzzzzzzzzzzzzzzzz'),
    ]) {
      const body = expectError(res, 401, 'unauthorized')
      expect(Object.keys(body).sort()).toEqual(['code', 'error', 'requestId', 'status'])
    }
  })
})

describe('400: invalid parameters name the field and the rule, and charge nothing', () => {
  const ok = { prompt: 'a calm lake at dawn' }
  const cases: [string, unknown, string, RegExp][] = [
    ['model missing', { inputs: ok }, 'model', /required|seedance2, seedance2-fast/],
    ['unknown model', { model: 'seedance3', inputs: ok }, 'model', /seedance2, seedance2-fast/],
    ['catalog id instead of the seed’s name', { model: 'seedance-2.0', inputs: ok }, 'model', /seedance2, seedance2-fast/],
    ['inputs not an object', { model: 'seedance2', inputs: 'a cat' }, 'inputs', /object/],
    ['no prompt and no image', { model: 'seedance2', inputs: { duration: '5s' } }, 'inputs.prompt', /required/],
    ['no inputs at all', { model: 'seedance2' }, 'inputs.prompt', /required/],
    ['short prompt', { model: 'seedance2', inputs: { prompt: 'ab' } }, 'inputs.prompt', /3–10000/],
    ['prompt as number', { model: 'seedance2', inputs: { prompt: 42 } }, 'inputs.prompt', /string/],
    ['duration 3s', { model: 'seedance2', inputs: { ...ok, duration: '3s' } }, 'inputs.duration', /4–15/],
    ['duration 16s', { model: 'seedance2', inputs: { ...ok, duration: '16s' } }, 'inputs.duration', /4–15/],
    ['duration words', { model: 'seedance2', inputs: { ...ok, duration: 'five seconds' } }, 'inputs.duration', /"4s" to "15s"/],
    ['duration 5.5s', { model: 'seedance2', inputs: { ...ok, duration: '5.5s' } }, 'inputs.duration', /"4s" to "15s"/],
    ['resolution 1920x1080', { model: 'seedance2', inputs: { ...ok, resolution: '1920x1080' } }, 'inputs.resolution', /720x720, 720x960, 960x720, 1280x720, 720x1280, 1280x540/],
    ['resolution 720p', { model: 'seedance2', inputs: { ...ok, resolution: '720p' } }, 'inputs.resolution', /1280x720/],
    ['videoInputMode', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'loop' } }, 'inputs.videoInputMode', /keyframe, reference/],
    ['upscaleResolution 8k', { model: 'seedance2', inputs: { ...ok, upscaleResolution: '8k' } }, 'inputs.upscaleResolution', /2k, 4k/],
    ['3 urls in keyframe mode', { model: 'seedance2', inputs: { ...ok, urls: urls(3) } }, 'inputs.urls', /at most 2 .*keyframe/],
    ['videoUrls in keyframe mode', { model: 'seedance2', inputs: { ...ok, urls: urls(1), videoUrls: urls(1, 'mp4') } }, 'inputs.videoUrls', /reference/],
    ['audioUrls in default mode', { model: 'seedance2', inputs: { ...ok, audioUrls: urls(1, 'mp3') } }, 'inputs.audioUrls', /reference/],
    ['10 reference images', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', urls: urls(10) } }, 'inputs.urls', /at most 9/],
    ['4 reference videos', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', urls: urls(1), videoUrls: urls(4, 'mp4') } }, 'inputs.videoUrls', /at most 3/],
    ['4 reference audios', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', urls: urls(1), audioUrls: urls(4, 'mp3') } }, 'inputs.audioUrls', /at most 3/],
    ['13 references in all', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', urls: urls(9), videoUrls: urls(3, 'mp4'), audioUrls: urls(1, 'mp3') } }, 'inputs.urls', /at most 12/],
    ['audio without image or video', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', audioUrls: urls(1, 'mp3') } }, 'inputs.audioUrls', /image or video/],
    ['first frame not a URL', { model: 'seedance2', inputs: { ...ok, urls: ['not a url'] } }, 'inputs.urls[0]', /URL/],
    ['last frame over http', { model: 'seedance2', inputs: { ...ok, urls: ['https://example.com/a.jpg', 'http://example.com/b.jpg'] } }, 'inputs.urls[1]', /https/],
    ['private reference image', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', urls: ['https://example.com/a.jpg', 'https://127.0.0.1/x.jpg'] } }, 'inputs.urls[1]', /private|loopback/],
    ['reference video to localhost', { model: 'seedance2', inputs: { ...ok, videoInputMode: 'reference', urls: urls(1), videoUrls: ['https://localhost/v.mp4'] } }, 'inputs.videoUrls[0]', /private|loopback/],
    ['callBackUrl not a URL', { model: 'seedance2', callBackUrl: 'your-server/webhook', inputs: ok }, 'callBackUrl', /URL/],
    ['callBackUrl to a private host', { model: 'seedance2', callBackUrl: 'https://192.168.1.10/hook', inputs: ok }, 'callBackUrl', /private|loopback/],
    ['urls not an array', { model: 'seedance2', inputs: { ...ok, urls: 'https://example.com/a.jpg' } }, 'inputs.urls', /array/],
  ]
  it.each(cases)('%s', async (_name, payload, field, rule) => {
    const c = await h.customer(1_000)
    const body = expectError(await createTask(c.auth, payload), 400, 'invalid_request')
    expect(body.field).toBe(field)
    expect(body.error).toContain(field)
    expect(body.error).toMatch(rule)
    expect(await credits(c.auth)).toEqual({ credits: 1_000, availableCredits: 1_000 })
    expect((await h.app.inject({ method: 'GET', url: '/v1/jobs', headers: c.auth })).json().data).toEqual([])
  })

  it('answers malformed JSON with 400 in this API’s shape', async () => {
    const c = await h.customer()
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: { ...c.auth, 'content-type': 'application/json' }, payload: '{"model": ' })
    expectError(res, 400, 'invalid_request')
  })

  it('answers a body that is not JSON with 400 invalid_request, not 415 (002 has no 415)', async () => {
    const c = await h.customer(1_000)
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: { ...c.auth, 'content-type': type }, payload: 'model=seedance2' })
      const body = expectError(res, 400, 'invalid_request')
      expect(body.field).toBe('Content-Type')
    }
    expect(await credits(c.auth)).toEqual({ credits: 1_000, availableCredits: 1_000 })
  })

  it('requires taskId on queryTask', async () => {
    const c = await h.customer()
    const body = expectError(await h.app.inject({ method: 'GET', url: '/api/v1/jobs/queryTask', headers: c.auth }), 400, 'invalid_request')
    expect(body.field).toBe('taskId')
  })
})

describe('402, 403, 404, 429', () => {
  it('402 when credits are below the price; nothing held', async () => {
    const c = await h.customer(199)
    const body = expectError(await createTask(c.auth, { model: 'seedance2', inputs: { prompt: 'a cat playing piano', duration: '5s' } }), 402, 'insufficient_credits')
    expect(body.error).toContain('200')
    expect(await credits(c.auth)).toEqual({ credits: 199, availableCredits: 199 })
    // The fast model costs 160 and fits.
    expect((await createTask(c.auth, { model: 'seedance2-fast', inputs: { prompt: 'a cat playing piano', duration: '5s' } })).statusCode).toBe(200)
  })

  it('403 for another account’s task; 404 for an unknown or malformed id', async () => {
    const a = await h.customer()
    const b = await h.customer()
    const { taskId } = (await createTask(a.auth, { model: 'seedance2', inputs: { prompt: 'only mine' } })).json()
    expectError(await queryTask(b.auth, taskId), 403, 'forbidden')
    expectError(await queryTask(b.auth, taskId.replace(/^task_/, 'job_')), 403, 'forbidden')
    expect((await queryTask(a.auth, taskId)).statusCode).toBe(200)
    expectError(await queryTask(a.auth, 'task_01hzzzzzzzzzzzzzzzzzzzzzzz'), 404, 'not_found')
    expectError(await queryTask(a.auth, 'abc123'), 404, 'not_found')
    expectError(await queryTask(a.auth, taskId.replace(/^task_/, 'req_')), 404, 'not_found')
  })

  it('429 past 3 simultaneous tasks, with Retry-After; room again once one finishes', async () => {
    const c = await h.customer(10_000)
    const t = { model: 'seedance2-fast', inputs: { prompt: 'a paper boat on a river', duration: '4s', resolution: '720x720' } }
    for (let i = 0; i < 3; i++) expect((await createTask(c.auth, t)).statusCode).toBe(200)
    const res = await createTask(c.auth, t)
    const body = expectError(res, 429, 'concurrency_limited')
    expect(body.error).toMatch(/3/)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    await h.rt.worker.drain()
    expect((await createTask(c.auth, t)).statusCode).toBe(200)
  })

  it('404 for unknown routes under the base URL, in this API’s shape', async () => {
    expectError(await h.app.inject({ method: 'GET', url: '/api/v1/jobs/listTasks' }), 404, 'not_found')
  })
})

describe('a failed generation', () => {
  it('reads FAILED with `error` a string and no credits used', async () => {
    const f = await createHarness({ env: { REELAY_STUDIO_FAILURE_RATE: '1' } })
    try {
      const c = await f.customer(1_000)
      const created = await f.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: c.auth, payload: { model: 'seedance2', inputs: { prompt: 'this one fails' } } })
      await f.rt.worker.drain()
      const t = (await f.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${created.json().taskId}`, headers: c.auth })).json()
      expect(t).toMatchObject({ status: 'FAILED', creditsUsed: 0, output: [], error: expect.any(String), completeTime: expect.any(Number) })
      expect(t.error.length).toBeGreaterThan(0)
      expect((await f.app.inject({ method: 'GET', url: '/api/v1/account/credits', headers: c.auth })).json()).toEqual({ credits: 1_000, availableCredits: 1_000 })
    } finally {
      await f.close()
    }
  })
})
