import { request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import type { VideoParams } from '../../../src/domain/params.js'
import { createFalProvider } from '../../../src/providers/fal/index.js'
import type { ProviderError, ProviderJob } from '../../../src/providers/provider.js'
import { startFakeFal, type FakeFal } from '../../support/fakes/fal-server.js'
import { expectProviderError, expectSafePublicMessages, providerContext, useMp4Fixture, videoJob, videoParams, type ContextOverrides } from '../support.js'

const fal = createFalProvider()
const fx = useMp4Fixture('reelay-fal-')
let fake: FakeFal
let clock: ManualClock
const errors: ProviderError[] = []

function job(over: Partial<VideoParams> = {}, model = 'seedance-2.0'): ProviderJob {
  return videoJob(videoParams({ prompt: 'A paper boat drifting down a rainy street', seed: 11, ...over }), model)
}

function ctx(over: ContextOverrides = {}) {
  const models = { 'seedance-2.0': 'bytedance/seedance-2.0', 'seedance-2.0-fast': 'bytedance/seedance-2.0/fast', 'seedance-1.5-pro': 'fal-ai/bytedance/seedance/v1.5/pro' }
  return providerContext({ id: 'ch-fal', provider: 'fal', baseUrl: fake.url, apiKey: fake.apiKey, models }, { clock, tmpDir: fx.dir, ...over })
}

const failure = (p: Promise<unknown>) => expectProviderError(p, errors)

async function failedPoll(upstreamId: string): Promise<ProviderError> {
  const res = await fal.get(upstreamId, job(), ctx())
  expect(res.state).toBe('failed')
  if (res.state !== 'failed') throw new Error('not failed')
  errors.push(res.error)
  return res.error
}

beforeEach(async () => {
  clock = new ManualClock()
  fake = await startFakeFal({ video: fx.mp4, now: () => clock.now() })
})

afterEach(async () => {
  await fake.close()
})

describe('submit', () => {
  it('posts the text-to-video input to the app with Key auth', async () => {
    const { upstreamId } = await fal.submit(job(), ctx())
    const sent = fake.requests[0]
    expect(sent?.method).toBe('POST')
    expect(sent?.path).toBe('/bytedance/seedance-2.0/text-to-video')
    expect(sent?.headers.authorization).toBe(`Key ${fake.apiKey}`)
    expect(sent?.body).toEqual({ prompt: 'A paper boat drifting down a rainy street', resolution: '720p', duration: '5', aspect_ratio: '16:9', generate_audio: true, seed: 11 })
    const r = [...fake.queue.values()][0]
    expect(upstreamId).toBe(`bytedance/seedance-2.0/requests/${r?.id}`)
  })

  it('uses image-to-video on the fast app and reference-to-video for references', async () => {
    await fal.submit(job({ firstFrameUrl: 'https://img/f.png', lastFrameUrl: 'https://img/l.png', seed: -1 }, 'seedance-2.0-fast'), ctx())
    await fal.submit(job({ referenceImageUrls: ['https://r/1.png'], referenceVideoUrls: ['https://r/v.mp4'], referenceAudioUrls: ['https://r/a.mp3'] }), ctx())
    const [i2v, r2v] = [...fake.queue.values()]
    expect(i2v?.app).toBe('bytedance/seedance-2.0/fast/image-to-video')
    expect(i2v?.input).toEqual({
      prompt: 'A paper boat drifting down a rainy street',
      resolution: '720p',
      duration: '5',
      aspect_ratio: '16:9',
      generate_audio: true,
      image_url: 'https://img/f.png',
      end_image_url: 'https://img/l.png',
    })
    expect(r2v?.app).toBe('bytedance/seedance-2.0/reference-to-video')
    expect(r2v?.input).toMatchObject({ image_urls: ['https://r/1.png'], video_urls: ['https://r/v.mp4'], audio_urls: ['https://r/a.mp3'] })
  })

  it('polls a v1.5 app under its two-segment root', async () => {
    const { upstreamId } = await fal.submit(job({ firstFrameUrl: 'https://img/f.png' }, 'seedance-1.5-pro'), ctx())
    expect(upstreamId).toMatch(/^fal-ai\/bytedance\/requests\/[\w-]+$/)
    expect(fake.requests[0]?.path).toBe('/fal-ai/bytedance/seedance/v1.5/pro/image-to-video')
    expect(fake.requests[0]?.body).toMatchObject({ camera_fixed: false, enable_safety_checker: true, seed: 11 })
    expect(await fal.get(upstreamId, job(), ctx())).toEqual({ state: 'queued' })
    expect(fake.requests[1]?.path).toBe(`/${upstreamId}/status?logs=0`)
  })

  it('adds fal_webhook with the app root when callbacks are exposed', async () => {
    await fal.submit(job(), ctx({ callbackUrl: 'https://gw.example/internal/callbacks/ch-fal?job=job_01' }))
    const url = new URL(`http://x${fake.requests[0]?.path}`)
    expect(url.searchParams.get('fal_webhook')).toBe('https://gw.example/internal/callbacks/ch-fal?job=job_01&fal_root=bytedance%2Fseedance-2.0')
  })
})

describe('polling', () => {
  it('walks IN_QUEUE → IN_PROGRESS → COMPLETED, fetches the result and serves the MP4', async () => {
    const { upstreamId } = await fal.submit(job(), ctx())
    expect(await fal.get(upstreamId, job(), ctx())).toEqual({ state: 'queued' })
    expect(await fal.get(upstreamId, job(), ctx())).toEqual({ state: 'running' })
    const done = await fal.get(upstreamId, job(), ctx())
    expect(fake.requests.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /${upstreamId}/status?logs=0`, `GET /${upstreamId}`])
    expect(done.state).toBe('succeeded')
    if (done.state !== 'succeeded' || done.outputs[0]?.kind !== 'url') throw new Error('no url output')
    expect(done.outputs[0].mime).toBe('video/mp4')
    const bytes = Buffer.from(await (await request(done.outputs[0].url)).body.arrayBuffer())
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp')
    expect(bytes.equals(fx.mp4)).toBe(true)
  })

  it('moves only on advance() when auto-advance is off', async () => {
    await fake.close()
    fake = await startFakeFal({ getsPerStep: 0 })
    const { upstreamId } = await fal.submit(job(), ctx())
    const id = [...fake.queue.keys()][0]!
    expect((await fal.get(upstreamId, job(), ctx())).state).toBe('queued')
    expect(fake.advance(id)).toBe('IN_PROGRESS')
    expect((await fal.get(upstreamId, job(), ctx())).state).toBe('running')
    fake.finish(id)
    expect((await fal.get(upstreamId, job(), ctx())).state).toBe('succeeded')
  })

  it('maps a 422 content-policy result to a user content rejection', async () => {
    fake.nextOutcome({ kind: 'reject' })
    const { upstreamId } = await fal.submit(job(), ctx())
    fake.finish([...fake.queue.keys()][0]!)
    expect(await failedPoll(upstreamId)).toMatchObject({ kind: 'user', code: 'content_rejected', publicMessage: 'The content was rejected by the safety system.' })
  })

  it('maps a failed request (5xx result with error_type) to a terminal failure', async () => {
    fake.nextOutcome({ kind: 'fail', errorType: 'runner_disconnected' })
    const { upstreamId } = await fal.submit(job(), ctx())
    fake.finish([...fake.queue.keys()][0]!)
    expect(await failedPoll(upstreamId)).toMatchObject({ kind: 'user', code: 'generation_failed' })
  })

  it('retries when the result endpoint itself is unavailable', async () => {
    const { upstreamId } = await fal.submit(job(), ctx())
    fake.finish([...fake.queue.keys()][0]!)
    fake.script('result', 'unavailable', { retryAfterSec: 3 })
    expect(await failure(fal.get(upstreamId, job(), ctx()))).toMatchObject({ kind: 'retryable', retryAfterMs: 3000 })
    expect((await fal.get(upstreamId, job(), ctx())).state).toBe('succeeded')
  })

  it('treats an unknown request as a terminal failure', async () => {
    expect(await failedPoll('bytedance/seedance-2.0/requests/00000000-0000-0000-0000-000000000000')).toMatchObject({ code: 'generation_failed' })
  })
})

describe('errors', () => {
  it('maps a wrong key (401) to config', async () => {
    expect((await failure(fal.submit(job(), ctx({ apiKey: 'fal-wrong:key' })))).kind).toBe('config')
  })

  it('maps 429 to retryable with Retry-After', async () => {
    fake.script('submit', 'rate-limited', { retryAfterSec: 9 })
    expect(await failure(fal.submit(job(), ctx()))).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 9000 })
  })

  it('maps 500 to retryable', async () => {
    fake.script('status', 'server-error')
    expect((await failure(fal.get('bytedance/seedance-2.0/requests/abc', job(), ctx()))).kind).toBe('retryable')
  })

  it('maps a hung submit to unknown', async () => {
    fake.script('submit', 'hang')
    expect(await failure(fal.submit(job(), ctx({ options: { timeoutMs: 150 } })))).toMatchObject({ kind: 'unknown', code: 'upstream_timeout' })
  })

  it('maps malformed JSON to retryable on a poll and unknown on a submit', async () => {
    fake.script('status', 'malformed')
    fake.script('submit', 'malformed')
    expect((await failure(fal.get('bytedance/seedance-2.0/requests/abc', job(), ctx()))).kind).toBe('retryable')
    expect((await failure(fal.submit(job(), ctx()))).kind).toBe('unknown')
  })

  it('maps 422 on submit to content_rejected or invalid_input', async () => {
    fake.script('submit', 'content-rejected')
    fake.script('submit', 'invalid-input')
    expect(await failure(fal.submit(job(), ctx()))).toMatchObject({ kind: 'user', code: 'content_rejected' })
    expect(await failure(fal.submit(job(), ctx()))).toMatchObject({ kind: 'user', code: 'invalid_input' })
  })

  it('maps an unknown app (404) to config', async () => {
    await fake.close()
    fake = await startFakeFal({ apps: ['bytedance/seedance-2.0/image-to-video'] })
    expect(await failure(fal.submit(job(), ctx()))).toMatchObject({ kind: 'config', code: 'model_unavailable' })
  })

  it('rejects a last frame without a first frame before calling out', async () => {
    expect(await failure(fal.submit(job({ lastFrameUrl: 'https://l' }), ctx()))).toMatchObject({ kind: 'user', code: 'invalid_input' })
    expect(fake.requests).toHaveLength(0)
  })
})

describe('cancel', () => {
  it('PUTs the cancel URL under the app root', async () => {
    const { upstreamId } = await fal.submit(job(), ctx())
    await fal.cancel(upstreamId, ctx())
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/${upstreamId}/cancel` })
    expect([...fake.queue.values()][0]?.cancelled).toBe(true)
  })

  it('resolves when the request already completed', async () => {
    const { upstreamId } = await fal.submit(job(), ctx())
    fake.finish([...fake.queue.keys()][0]!)
    await expect(fal.cancel(upstreamId, ctx())).resolves.toBeUndefined()
  })
})

describe('public messages', () => {
  it('never name the upstream, echo its message or contain the key', () => {
    expectSafePublicMessages(errors, { atLeast: 10, apiKey: fake.apiKey, leaks: /runner|policy 7b|flagged|concurrent|Application/i })
  })
})
