import { request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import type { VideoParams } from '../../../src/domain/params.js'
import { createReplicateProvider } from '../../../src/providers/replicate/index.js'
import type { ProviderError, ProviderJob } from '../../../src/providers/provider.js'
import { startFakeReplicate, type FakeReplicate } from '../../support/fakes/replicate-server.js'
import { expectProviderError, expectSafePublicMessages, providerContext, useMp4Fixture, videoJob, videoParams, type ContextOverrides } from '../support.js'

const rep = createReplicateProvider()
const fx = useMp4Fixture('reelay-rep-')
let fake: FakeReplicate
let clock: ManualClock
const errors: ProviderError[] = []

function job(over: Partial<VideoParams> = {}, model = 'seedance-2.0'): ProviderJob {
  return videoJob(videoParams({ prompt: 'Slow pan across a neon-lit ramen bar', durationSec: 10, resolution: '1080p', aspectRatio: '21:9', seed: 1234, ...over }), model)
}

function ctx(over: ContextOverrides = {}) {
  const models = { 'seedance-2.0': 'bytedance/seedance-2.0', 'seedance-1.5-pro': 'bytedance/seedance-1.5-pro:5ab1f00d' }
  return providerContext({ id: 'ch-rep', provider: 'replicate', baseUrl: fake.url, apiKey: fake.apiKey, models }, { clock, tmpDir: fx.dir, ...over })
}

const failure = (p: Promise<unknown>) => expectProviderError(p, errors)

beforeEach(async () => {
  clock = new ManualClock()
  fake = await startFakeReplicate({ video: fx.mp4, now: () => clock.now() })
})

afterEach(async () => {
  await fake.close()
})

describe('submit', () => {
  it('creates a prediction on the official model endpoint, async (no Prefer header)', async () => {
    const { upstreamId } = await rep.submit(
      job({ firstFrameUrl: 'https://img/first.png', lastFrameUrl: 'https://img/last.png' }),
      ctx({ callbackUrl: 'https://gw.example/internal/callbacks/ch-rep?job=job_01' }),
    )
    expect(fake.predictions.has(upstreamId)).toBe(true)
    const sent = fake.requests[0]
    expect(sent?.path).toBe('/v1/models/bytedance/seedance-2.0/predictions')
    expect(sent?.headers.authorization).toBe(`Bearer ${fake.apiKey}`)
    expect(sent?.headers.prefer).toBeUndefined()
    expect(sent?.body).toEqual({
      input: {
        prompt: 'Slow pan across a neon-lit ramen bar',
        duration: 10,
        resolution: '1080p',
        aspect_ratio: '21:9',
        generate_audio: true,
        seed: 1234,
        image: 'https://img/first.png',
        last_frame_image: 'https://img/last.png',
      },
      webhook: 'https://gw.example/internal/callbacks/ch-rep?job=job_01',
      webhook_events_filter: ['completed'],
    })
  })

  it('sends references, and uses /v1/predictions with the version for a pinned model', async () => {
    await rep.submit(job({ referenceImageUrls: ['https://r/1.png'], referenceVideoUrls: ['https://r/v.mp4'], referenceAudioUrls: ['https://r/a.mp3'], seed: -1 }, 'seedance-1.5-pro'), ctx())
    expect(fake.requests[0]?.path).toBe('/v1/predictions')
    expect(fake.requests[0]?.body).toEqual({
      version: '5ab1f00d',
      input: {
        prompt: 'Slow pan across a neon-lit ramen bar',
        duration: 10,
        resolution: '1080p',
        aspect_ratio: '21:9',
        generate_audio: true,
        reference_images: ['https://r/1.png'],
        reference_videos: ['https://r/v.mp4'],
        reference_audios: ['https://r/a.mp3'],
      },
    })
  })
})

describe('polling', () => {
  it('walks starting → processing → succeeded and serves the MP4', async () => {
    const { upstreamId } = await rep.submit(job(), ctx())
    expect(await rep.get(upstreamId, job(), ctx())).toEqual({ state: 'queued' })
    expect(await rep.get(upstreamId, job(), ctx())).toEqual({ state: 'running' })
    const done = await rep.get(upstreamId, job(), ctx())
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/predictions/${upstreamId}` })
    if (done.state !== 'succeeded' || done.outputs[0]?.kind !== 'url') throw new Error('no url output')
    expect(done.outputs[0].mime).toBe('video/mp4')
    const bytes = Buffer.from(await (await request(done.outputs[0].url)).body.arrayBuffer())
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp')
    expect(bytes.equals(fx.mp4)).toBe(true)
  })

  it('accepts an array output and moves only on advance() when auto-advance is off', async () => {
    await fake.close()
    fake = await startFakeReplicate({ getsPerStep: 0, arrayOutput: true })
    const { upstreamId } = await rep.submit(job(), ctx())
    expect((await rep.get(upstreamId, job(), ctx())).state).toBe('queued')
    expect(fake.advance(upstreamId)).toBe('processing')
    expect(fake.finish(upstreamId)).toBe('succeeded')
    const done = await rep.get(upstreamId, job(), ctx())
    expect(done.state === 'succeeded' && done.outputs).toHaveLength(1)
  })

  it('maps an E005 failure to a user content rejection and others to generation_failed', async () => {
    fake.nextOutcome({ kind: 'reject' }, { kind: 'fail', error: 'torch.cuda.OutOfMemoryError on node a100-17' })
    const a = await rep.submit(job(), ctx())
    const b = await rep.submit(job(), ctx())
    fake.finish(a.upstreamId)
    fake.finish(b.upstreamId)
    const ra = await rep.get(a.upstreamId, job(), ctx())
    const rb = await rep.get(b.upstreamId, job(), ctx())
    if (ra.state !== 'failed' || rb.state !== 'failed') throw new Error('expected failures')
    errors.push(ra.error, rb.error)
    expect(ra.error).toMatchObject({ kind: 'user', code: 'content_rejected' })
    expect(rb.error).toMatchObject({ kind: 'user', code: 'generation_failed' })
  })

  it('maps an aborted prediction and an unknown id to terminal failures', async () => {
    fake.nextOutcome({ kind: 'abort' })
    const { upstreamId } = await rep.submit(job(), ctx())
    fake.finish(upstreamId)
    const r = await rep.get(upstreamId, job(), ctx())
    expect(r.state === 'failed' && r.error.code).toBe('generation_timeout')
    const gone = await rep.get('nope0000000000', job(), ctx())
    expect(gone.state === 'failed' && gone.error.code).toBe('generation_failed')
  })
})

describe('errors', () => {
  it('maps a wrong token (401) to config', async () => {
    expect((await failure(rep.submit(job(), ctx({ apiKey: 'r8_wrong' })))).kind).toBe('config')
  })

  it('maps 429 to retryable with Retry-After', async () => {
    fake.script('submit', 'rate-limited', { retryAfterSec: 7 })
    expect(await failure(rep.submit(job(), ctx()))).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 7000 })
  })

  it('maps 500 and 503 to retryable', async () => {
    fake.script('get', 'server-error')
    fake.script('submit', 'unavailable')
    expect((await failure(rep.get('abc', job(), ctx()))).kind).toBe('retryable')
    expect((await failure(rep.submit(job(), ctx()))).kind).toBe('retryable')
  })

  it('maps a hung submit to unknown', async () => {
    fake.script('submit', 'hang')
    expect(await failure(rep.submit(job(), ctx({ options: { timeoutMs: 150 } })))).toMatchObject({ kind: 'unknown', code: 'upstream_timeout' })
  })

  it('maps malformed JSON to retryable on a poll and unknown on a submit', async () => {
    fake.script('get', 'malformed')
    fake.script('submit', 'malformed')
    expect((await failure(rep.get('abc', job(), ctx()))).kind).toBe('retryable')
    expect((await failure(rep.submit(job(), ctx()))).kind).toBe('unknown')
  })

  it('maps 422 to content_rejected or invalid_input and an unknown model to config', async () => {
    fake.script('submit', 'content-rejected')
    fake.script('submit', 'invalid-input')
    fake.script('submit', 'model-not-found')
    expect(await failure(rep.submit(job(), ctx()))).toMatchObject({ kind: 'user', code: 'content_rejected' })
    expect(await failure(rep.submit(job(), ctx()))).toMatchObject({ kind: 'user', code: 'invalid_input' })
    expect(await failure(rep.submit(job(), ctx()))).toMatchObject({ kind: 'config', code: 'model_unavailable' })
  })

  it('maps a reset connection to retryable', async () => {
    fake.script('submit', 'reset')
    expect((await failure(rep.submit(job(), ctx()))).kind).toBe('retryable')
  })
})

describe('cancel', () => {
  it('POSTs to the cancel path and the prediction becomes canceled', async () => {
    const { upstreamId } = await rep.submit(job(), ctx())
    await rep.cancel(upstreamId, ctx())
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/predictions/${upstreamId}/cancel` })
    expect(fake.predictions.get(upstreamId)?.status).toBe('canceled')
    const r = await rep.get(upstreamId, job(), ctx())
    expect(r.state === 'failed' && r.error.code).toBe('cancelled')
  })
})

describe('public messages', () => {
  it('never name the upstream, echo its message or contain the key', () => {
    expectSafePublicMessages(errors, { atLeast: 8, apiKey: fake.apiKey, leaks: /E005|throttled|torch|a100|validation failed/i })
  })
})
