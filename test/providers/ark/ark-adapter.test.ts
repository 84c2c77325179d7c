import { request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import type { VideoParams } from '../../../src/domain/params.js'
import { createArkProvider } from '../../../src/providers/ark/index.js'
import type { ProviderError, ProviderJob } from '../../../src/providers/provider.js'
import { startFakeArk, type FakeArk } from '../../support/fakes/ark-server.js'
import { expectProviderError, expectSafePublicMessages, providerContext, useMp4Fixture, videoJob, videoParams, type ContextOverrides } from '../support.js'

const ark = createArkProvider()
const fx = useMp4Fixture('reelay-ark-')
let fake: FakeArk
let clock: ManualClock
const errors: ProviderError[] = []

function job(over: Partial<VideoParams> = {}, model = 'seedance-2.0'): ProviderJob {
  return videoJob(videoParams(over), model)
}

function ctx(over: ContextOverrides = {}) {
  const models = { 'seedance-2.0': 'dreamina-seedance-2-0-260128', 'seedance-1.5-pro': 'seedance-1-5-pro-251215' }
  return providerContext({ id: 'ch-ark', provider: 'ark', baseUrl: fake.url, apiKey: fake.apiKey, models }, { clock, tmpDir: fx.dir, ...over })
}

const failure = (p: Promise<unknown>) => expectProviderError(p, errors)

beforeEach(async () => {
  clock = new ManualClock()
  fake = await startFakeArk({ video: fx.mp4, now: () => clock.now() })
})

afterEach(async () => {
  await fake.close()
})

describe('submit', () => {
  it('sends the canonical params as Ark content items and fields, with Bearer auth', async () => {
    const res = await ark.submit(job({ firstFrameUrl: 'https://img.example/first.png', lastFrameUrl: 'https://img.example/last.png', cameraFixed: true }), ctx())
    expect(res.upstreamId).toMatch(/^cgt-/)
    const sent = fake.requests.find((r) => r.method === 'POST')
    expect(sent?.path).toBe('/api/v3/contents/generations/tasks')
    expect(sent?.headers.authorization).toBe(`Bearer ${fake.apiKey}`)
    expect(sent?.body).toEqual({
      model: 'dreamina-seedance-2-0-260128',
      content: [
        { type: 'text', text: 'A red fox runs through fresh snow at dawn' },
        { type: 'image_url', image_url: { url: 'https://img.example/first.png' }, role: 'first_frame' },
        { type: 'image_url', image_url: { url: 'https://img.example/last.png' }, role: 'last_frame' },
      ],
      generate_audio: true,
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      seed: 42,
      camera_fixed: true,
      watermark: false,
    })
  })

  it('sends reference images, videos and audios with their roles', async () => {
    await ark.submit(
      job({ referenceImageUrls: ['https://r/i1.png', 'https://r/i2.png'], referenceVideoUrls: ['https://r/v.mp4'], referenceAudioUrls: ['https://r/a.mp3'], seed: -1, aspectRatio: 'adaptive' }),
      ctx(),
    )
    const body = fake.tasks.values().next().value?.request
    expect(body?.content).toEqual([
      { type: 'text', text: 'A red fox runs through fresh snow at dawn' },
      { type: 'image_url', image_url: { url: 'https://r/i1.png' }, role: 'reference_image' },
      { type: 'image_url', image_url: { url: 'https://r/i2.png' }, role: 'reference_image' },
      { type: 'video_url', video_url: { url: 'https://r/v.mp4' }, role: 'reference_video' },
      { type: 'audio_url', audio_url: { url: 'https://r/a.mp3' }, role: 'reference_audio' },
    ])
    expect(body?.seed).toBe(-1)
    expect(body?.ratio).toBe('adaptive')
  })

  it('passes a tokenised callback_url when the operator exposes callbacks', async () => {
    await ark.submit(job(), ctx({ callbackUrl: 'https://gw.example/internal/callbacks/ch-ark?job=job_01' }))
    const cb = String(fake.tasks.values().next().value?.request.callback_url)
    expect(cb).toMatch(/^https:\/\/gw\.example\/internal\/callbacks\/ch-ark\?job=job_01&ark_token=[\w-]{22}$/)
  })

  it('fails as configuration when the channel has no mapping for the model', async () => {
    const err = await failure(ark.submit(job({}, 'seedance-2.0-fast'), ctx()))
    expect(err.kind).toBe('config')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('polling', () => {
  it('walks queued → running → succeeded and returns a fetchable MP4 URL', async () => {
    const { upstreamId } = await ark.submit(job(), ctx())
    expect(await ark.get(upstreamId, job(), ctx())).toEqual({ state: 'queued' })
    expect(await ark.get(upstreamId, job(), ctx())).toEqual({ state: 'running' })
    const done = await ark.get(upstreamId, job(), ctx())
    expect(done.state).toBe('succeeded')
    if (done.state !== 'succeeded') return
    const out = done.outputs[0]
    expect(out).toMatchObject({ kind: 'url', mime: 'video/mp4' })
    if (out?.kind !== 'url') return
    const file = await request(out.url)
    const bytes = Buffer.from(await file.body.arrayBuffer())
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp')
    expect(bytes.equals(fx.mp4)).toBe(true)
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/api/v3/contents/generations/tasks/${upstreamId}`)).toHaveLength(3)
  })

  it('moves only on advance() when auto-advance is off', async () => {
    await fake.close()
    fake = await startFakeArk({ getsPerStep: 0 })
    const { upstreamId } = await ark.submit(job(), ctx())
    expect((await ark.get(upstreamId, job(), ctx())).state).toBe('queued')
    expect((await ark.get(upstreamId, job(), ctx())).state).toBe('queued')
    fake.advance(upstreamId)
    expect((await ark.get(upstreamId, job(), ctx())).state).toBe('running')
    expect(fake.finish(upstreamId)).toBe('succeeded')
    expect((await ark.get(upstreamId, job(), ctx())).state).toBe('succeeded')
  })

  it('maps an output-moderation failure to a user content rejection', async () => {
    fake.nextOutcome({ kind: 'reject' })
    const { upstreamId } = await ark.submit(job(), ctx())
    fake.finish(upstreamId)
    const res = await ark.get(upstreamId, job(), ctx())
    expect(res.state).toBe('failed')
    if (res.state !== 'failed') return
    errors.push(res.error)
    expect(res.error).toMatchObject({ kind: 'user', code: 'content_rejected', publicMessage: 'The content was rejected by the safety system.' })
    expect(res.error.detail).toContain('OutputVideoSensitiveContentDetected')
  })

  it('maps other failed and expired tasks to terminal user failures', async () => {
    fake.nextOutcome({ kind: 'fail', code: 'InternalServiceError', message: 'GPU node 17 fell over' }, { kind: 'expire' })
    const a = await ark.submit(job(), ctx())
    const b = await ark.submit(job(), ctx())
    fake.finish(a.upstreamId)
    fake.finish(b.upstreamId)
    const ra = await ark.get(a.upstreamId, job(), ctx())
    const rb = await ark.get(b.upstreamId, job(), ctx())
    expect(ra.state === 'failed' && ra.error.kind === 'user' && ra.error.code).toBe('generation_failed')
    expect(rb.state === 'failed' && rb.error.code).toBe('generation_timeout')
    if (ra.state === 'failed') {
      errors.push(ra.error)
      expect(ra.error.publicMessage).not.toContain('GPU node')
    }
  })

  it('treats a task Ark no longer knows as a terminal failure', async () => {
    const res = await ark.get('cgt-20260101000000-gone1', job(), ctx())
    expect(res.state === 'failed' && res.error.code).toBe('generation_failed')
  })
})

describe('errors', () => {
  it('maps a wrong API key (401) to config', async () => {
    const err = await failure(ark.submit(job(), ctx({ apiKey: 'ark-wrong-key-99999' })))
    expect(err.kind).toBe('config')
    expect(err.detail).toContain('AuthenticationError')
  })

  it('maps 429 to retryable with the Retry-After delay', async () => {
    fake.script('submit', 'rate-limited', { retryAfterSec: 7 })
    const err = await failure(ark.submit(job(), ctx()))
    expect(err).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 7000 })
  })

  it('maps 500 and 503 to retryable', async () => {
    fake.script('submit', 'server-error')
    fake.script('get', 'unavailable')
    expect((await failure(ark.submit(job(), ctx()))).kind).toBe('retryable')
    expect((await failure(ark.get('cgt-x', job(), ctx()))).kind).toBe('retryable')
  })

  it('maps a hang after sending the submit to unknown within the channel timeout', async () => {
    fake.script('submit', 'hang')
    const started = Date.now()
    const err = await failure(ark.submit(job(), ctx({ options: { timeoutMs: 150 } })))
    expect(err).toMatchObject({ kind: 'unknown', code: 'upstream_timeout' })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('maps a reset connection to retryable', async () => {
    fake.script('get', 'reset')
    expect((await failure(ark.get('cgt-x', job(), ctx()))).kind).toBe('retryable')
  })

  it('maps malformed JSON on a 2xx poll to retryable, and on a 2xx submit to unknown', async () => {
    fake.script('get', 'malformed')
    fake.script('submit', 'malformed')
    expect((await failure(ark.get('cgt-x', job(), ctx()))).kind).toBe('retryable')
    // The task may exist upstream: resubmitting blindly could bill twice.
    expect((await failure(ark.submit(job(), ctx()))).kind).toBe('unknown')
  })

  it('maps 400 sensitive content to content_rejected and other 400s to invalid_input', async () => {
    fake.script('submit', 'content-rejected')
    fake.script('submit', 'invalid-input')
    expect(await failure(ark.submit(job(), ctx()))).toMatchObject({ kind: 'user', code: 'content_rejected' })
    expect(await failure(ark.submit(job(), ctx()))).toMatchObject({ kind: 'user', code: 'invalid_input' })
  })

  it('maps a model-access 404 to config', async () => {
    await fake.close()
    fake = await startFakeArk({ models: ['seedance-1-5-pro-251215'] })
    expect(await failure(ark.submit(job(), ctx()))).toMatchObject({ kind: 'config', code: 'model_unavailable' })
  })

  it('redacts the API key from operator detail', async () => {
    fake.script('submit', { status: 400, body: { error: { code: 'InvalidParameter', message: `key ${fake.apiKey} is not allowed here` } } })
    const err = await failure(ark.submit(job(), ctx()))
    expect(err.detail).toContain('[redacted]')
    expect(err.detail).not.toContain(fake.apiKey)
  })
})

describe('cancel', () => {
  it('DELETEs the task; a queued task becomes cancelled', async () => {
    const { upstreamId } = await ark.submit(job(), ctx())
    await ark.cancel(upstreamId, ctx())
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v3/contents/generations/tasks/${upstreamId}` })
    expect(fake.tasks.get(upstreamId)?.status).toBe('cancelled')
    const res = await ark.get(upstreamId, job(), ctx())
    expect(res.state === 'failed' && res.error.code).toBe('cancelled')
  })

  it('resolves when a running task cannot be cancelled', async () => {
    const { upstreamId } = await ark.submit(job(), ctx())
    fake.advance(upstreamId)
    await expect(ark.cancel(upstreamId, ctx())).resolves.toBeUndefined()
    expect(fake.tasks.get(upstreamId)?.status).toBe('running')
  })
})

describe('public messages', () => {
  it('never name the upstream, echo its message or contain the key', () => {
    expectSafePublicMessages(errors, { atLeast: 10, apiKey: fake.apiKey, leaks: /Request ID|sensitive information|rate limit|GPU|cgt-/i })
  })
})
