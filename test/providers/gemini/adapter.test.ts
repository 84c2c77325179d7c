import { tmpdir } from 'node:os'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { createGeminiProvider } from '../../../src/providers/gemini/index.js'
import type { FetchReference, ProviderContext, ProviderError, ProviderJob, ProviderOutput } from '../../../src/providers/provider.js'
import { startFakeGemini, tinyPng, type FakeGemini, type GeminiBehaviour } from '../../support/fakes/gemini-server.js'
import type { ImageParams } from '../../../src/domain/params.js'
import { expectProviderError, expectSafeImageError, imageJob, imageParams, providerContext } from '../support.js'

let fake: FakeGemini
const provider = createGeminiProvider()
const clock = new ManualClock()

function ctx(options: Record<string, unknown> = {}, apiKey = fake.apiKey, fetchReference?: FetchReference): ProviderContext {
  return providerContext({ id: 'gm-1', provider: 'gemini', baseUrl: fake.url, apiKey, models: { 'nano-banana-pro': 'gemini-3-pro-image-preview' } }, { clock, tmpDir: tmpdir(), options, ...(fetchReference ? { fetchReference } : {}) })
}

function job(p: Partial<ImageParams> = {}): ProviderJob {
  return imageJob(imageParams({ prompt: 'a lighthouse at dusk', ...p }), 'nano-banana-pro', 'job_g')
}

function pngSize(out: ProviderOutput | undefined): number {
  if (out?.kind !== 'bytes') throw new Error('expected bytes')
  expect(out.mime).toBe('image/png')
  return PNG.sync.read(Buffer.from(out.bytes)).width
}

function expectSafe(e: ProviderError, raw?: string): void {
  expectSafeImageError(e, fake.apiKey, /fakeResp/, raw)
}

beforeAll(async () => {
  fake = await startFakeGemini()
})
afterAll(() => fake.close())
beforeEach(() => {
  fake.reset()
})

describe('generateContent', () => {
  it.each([
    [{}, { aspectRatio: '1:1', imageSize: '1K' }],
    [{ resolution: '4K', aspectRatio: '21:9', quality: 'HIGH', format: 'jpeg' }, { aspectRatio: '21:9', imageSize: '4K' }],
    [{ resolution: '2K', aspectRatio: 'auto' }, { imageSize: '2K' }],
  ] as Array<[Partial<ImageParams>, Record<string, unknown>]>)('sends the exact body for %j', async (params, imageConfig) => {
    await provider.submit(job(params), ctx())
    const req = fake.requests[0]
    expect(req?.method).toBe('POST')
    expect(req?.path).toBe('/v1beta/models/gemini-3-pro-image-preview:generateContent')
    expect(req?.headers['x-goog-api-key']).toBe(fake.apiKey)
    expect(req?.headers.authorization).toBeUndefined()
    expect(req?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a lighthouse at dusk' }] }],
      generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig },
    })
  })

  it('returns the final image, not the interim thought image, with the response id', async () => {
    fake.script({ kind: 'success', thoughtImage: true })
    const res = await provider.submit(job(), ctx())
    expect(res.upstreamId).toMatch(/^fakeResp\d+$/)
    if (!('outputs' in res)) throw new Error('expected outputs')
    expect(res.outputs).toHaveLength(1)
    expect(pngSize(res.outputs[0])).toBe(8)
  })

  it('sends references as inlineData parts', async () => {
    const refs = [tinyPng(1, 4), tinyPng(2, 4)]
    const fetchBytes = async (url: string) => ({ bytes: refs[Number(url.slice(-1))] ?? new Uint8Array(), mime: '' })
    await provider.submit(job({ referenceImageUrls: ['https://cdn.example/0', 'https://cdn.example/1'] }), ctx({}, fake.apiKey, fetchBytes))
    const parts = (fake.requests[0]?.body as { contents: Array<{ parts: unknown[] }> }).contents[0]?.parts
    expect(parts).toEqual([
      { text: 'a lighthouse at dusk' },
      { inlineData: { mimeType: 'image/png', data: refs[0]?.toString('base64') } },
      { inlineData: { mimeType: 'image/png', data: refs[1]?.toString('base64') } },
    ])
  })

  it('makes n calls, at most two at a time, and collects every image', async () => {
    const releases: Array<() => void> = []
    const gated = (): GeminiBehaviour => ({ kind: 'success', gate: new Promise<void>((r) => releases.push(r)) })
    fake.script(gated(), gated(), gated(), gated())
    const pending = provider.submit(job({ n: 4 }), ctx())
    for (let i = 0; i < 4; i++) {
      await fake.waitForRequests(Math.min(i + 2, 4))
      releases[i]?.()
    }
    const res = await pending
    expect(fake.requests).toHaveLength(4)
    expect(fake.maxInFlight).toBe(2)
    if (!('outputs' in res)) throw new Error('expected outputs')
    expect(res.outputs).toHaveLength(4)
    res.outputs.forEach(pngSize)
    expect(new Set(res.outputs.map((o) => (o.kind === 'bytes' ? Buffer.from(o.bytes).toString('hex') : ''))).size).toBe(4)
  })

  it('honours parallelism 1 and stops starting calls after a failure', async () => {
    fake.script({ kind: 'success' }, { kind: 'blocked' }, { kind: 'success' })
    const e = await expectProviderError(provider.submit(job({ n: 3 }), ctx({ parallelism: 1 })))
    expect(e.code).toBe('content_rejected')
    expect(fake.requests).toHaveLength(2)
    expect(fake.maxInFlight).toBe(1)
  })
})

describe('failures', () => {
  it.each([
    ['blockReason', { kind: 'blocked', reason: 'PROHIBITED_CONTENT' }, 'user', 'content_rejected'],
    ['finishReason IMAGE_SAFETY', { kind: 'finish', reason: 'IMAGE_SAFETY' }, 'user', 'content_rejected'],
    ['finishReason SAFETY', { kind: 'finish', reason: 'SAFETY' }, 'user', 'content_rejected'],
    ['text only', { kind: 'text-only' }, 'user', 'generation_failed'],
    ['INVALID_ARGUMENT', { kind: 'invalid-argument', message: 'Unable to process input image.' }, 'user', 'invalid_input'],
    ['UNAUTHENTICATED', { kind: 'unauthenticated' }, 'config', 'upstream_auth'],
    ['500', { kind: 'server-error', status: 500 }, 'retryable', 'upstream_unavailable'],
    ['503', { kind: 'server-error', status: 503 }, 'retryable', 'upstream_unavailable'],
    ['malformed JSON', { kind: 'malformed' }, 'retryable', 'upstream_bad_response'],
  ] as Array<[string, GeminiBehaviour, string, string]>)('%s → %s %s', async (_n, behaviour, kind, code) => {
    fake.script(behaviour)
    const e = await expectProviderError(provider.submit(job(), ctx()))
    expect({ kind: e.kind, code: e.code }).toEqual({ kind, code })
    expectSafe(e, 'Unable to process input image.')
    expectSafe(e, 'poem')
  })

  it('a wrong key (400 API_KEY_INVALID) → config, and the key never leaks', async () => {
    const e = await expectProviderError(provider.submit(job(), ctx({}, 'AIzaWrongKeyThatMustNotLeak')))
    expect(e.kind).toBe('config')
    expect(e.detail).toContain('API_KEY_INVALID')
    expectSafe(e, 'API key not valid')
    expect(e.publicMessage).not.toContain('AIzaWrongKeyThatMustNotLeak')
  })

  it('429 RESOURCE_EXHAUSTED → retryable with the RetryInfo delay or Retry-After', async () => {
    fake.script({ kind: 'rate-limited', retryDelay: '12s' }, { kind: 'rate-limited', retryAfter: '2' })
    const a = await expectProviderError(provider.submit(job(), ctx()))
    expect({ kind: a.kind, retryAfterMs: a.retryAfterMs }).toEqual({ kind: 'retryable', retryAfterMs: 12_000 })
    expectSafe(a, 'exceeded your current quota')
    const b = await expectProviderError(provider.submit(job(), ctx()))
    expect(b.retryAfterMs).toBe(2_000)
  })

  it('a hang past timeoutMs → unknown', async () => {
    fake.script({ kind: 'hang' })
    const e = await expectProviderError(provider.submit(job(), ctx({ timeoutMs: 150 })))
    expect(e.kind).toBe('unknown')
    expectSafe(e)
  })
})

describe('get and cancel', () => {
  it('get never reports success for a synchronous upstream; cancel resolves', async () => {
    const res = await provider.get('fakeResp1', job(), ctx())
    expect(res.state === 'failed' && res.error.kind).toBe('retryable')
    await expect(provider.cancel('fakeResp1', ctx())).resolves.toBeUndefined()
  })
})
