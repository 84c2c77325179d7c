import { tmpdir } from 'node:os'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { createOpenAiProvider } from '../../../src/providers/openai/index.js'
import { createFetchReference } from '../../../src/providers/fetch-reference.js'
import type { FetchReference, ProviderContext, ProviderError, ProviderJob, ProviderOutput } from '../../../src/providers/provider.js'
import { startFakeOpenAi, tinyPng, type FakeOpenAi } from '../../support/fakes/openai-server.js'
import type { ImageParams } from '../../../src/domain/params.js'
import { expectProviderError, expectSafeImageError, imageJob, imageParams, providerContext } from '../support.js'

let fake: FakeOpenAi
const provider = createOpenAiProvider()
const clock = new ManualClock()

function ctx(options: Record<string, unknown> = {}, apiKey = fake.apiKey, fetchReference?: FetchReference): ProviderContext {
  return providerContext({ id: 'oa-1', provider: 'openai', baseUrl: fake.url, apiKey, models: { 'gpt-image-2': 'gpt-image-2' } }, { clock, tmpDir: tmpdir(), options, ...(fetchReference ? { fetchReference } : {}) })
}

function job(p: Partial<ImageParams> = {}): ProviderJob {
  return imageJob(imageParams(p), 'gpt-image-2', 'job_1')
}

function expectPng(out: ProviderOutput): void {
  expect(out.kind).toBe('bytes')
  if (out.kind !== 'bytes') return
  expect(out.mime).toBe('image/png')
  const img = PNG.sync.read(Buffer.from(out.bytes))
  expect(img.width).toBeGreaterThan(0)
}

function expectSafe(e: ProviderError, raw?: string): void {
  expectSafeImageError(e, fake.apiKey, /req_/, raw)
}

beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(() => fake.close())
beforeEach(() => {
  fake.reset()
})

describe('generations', () => {
  it.each([
    [{}, { n: 1, size: '1024x1024', quality: 'medium', output_format: 'png' }],
    [{ n: 3, resolution: '2K', aspectRatio: '16:9', quality: 'HIGH' }, { n: 3, size: '2736x1536', quality: 'high', output_format: 'png' }],
    [{ n: 2, resolution: '4K', aspectRatio: '9:16', quality: 'LOW', format: 'jpeg' }, { n: 2, size: '2160x3840', quality: 'low', output_format: 'jpeg' }],
    [{ aspectRatio: 'auto', format: 'jpeg' }, { n: 1, size: 'auto', quality: 'medium', output_format: 'jpeg' }],
  ] as Array<[Partial<ImageParams>, Record<string, unknown>]>)('sends the exact body for %j', async (params, expected) => {
    const res = await provider.submit(job(params), ctx())
    const req = fake.requests[0]
    expect(req?.method).toBe('POST')
    expect(req?.path).toBe('/v1/images/generations')
    expect(req?.headers.authorization).toBe(`Bearer ${fake.apiKey}`)
    expect(req?.headers['content-type']).toBe('application/json')
    expect(req?.body).toEqual({ model: 'gpt-image-2', prompt: 'a red fox in snow', ...expected })
    expect('outputs' in res && res.outputs).toHaveLength(expected.n as number)
  })

  it('decodes b64_json into distinct valid PNG bytes and returns the request id', async () => {
    const res = await provider.submit(job({ n: 2 }), ctx())
    expect(res.upstreamId).toMatch(/^req_fake\d+$/)
    if (!('outputs' in res)) throw new Error('expected outputs')
    res.outputs.forEach(expectPng)
    const [a, b] = res.outputs.map((o) => (o.kind === 'bytes' ? Buffer.from(o.bytes).toString('base64') : ''))
    expect(a).not.toBe(b)
  })

  it('passes the moderation option through', async () => {
    await provider.submit(job(), ctx({ moderation: 'low' }))
    expect(fake.requests[0]?.body).toMatchObject({ moderation: 'low' })
  })

  it('refuses a model the channel does not map, before calling out', async () => {
    const e = await expectProviderError(provider.submit({ ...job(), model: 'seedance-2.0' }, ctx()))
    expect(e.kind).toBe('config')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('edits', () => {
  const refs = [tinyPng(1, 4), tinyPng(2, 4), tinyPng(3, 4)]
  const fetchBytes = async (url: string) => ({ bytes: refs[Number(url.slice(-1))] ?? new Uint8Array(), mime: 'application/octet-stream' })

  it('posts multipart with one image[] part per reference', async () => {
    const urls = ['https://cdn.example/ref-0', 'https://cdn.example/ref-1', 'https://cdn.example/ref-2']
    const res = await provider.submit(job({ referenceImageUrls: urls, n: 2, aspectRatio: '3:2', quality: 'HIGH' }), ctx({}, fake.apiKey, fetchBytes))
    const req = fake.requests[0]
    expect(req?.path).toBe('/v1/images/edits')
    expect(req?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(req?.body).toEqual({ model: 'gpt-image-2', prompt: 'a red fox in snow', n: '2', size: '1248x832', quality: 'high', output_format: 'png' })
    expect(req?.files.map((f) => [f.field, f.type, f.filename])).toEqual([
      ['image[]', 'image/png', 'reference-0.png'],
      ['image[]', 'image/png', 'reference-1.png'],
      ['image[]', 'image/png', 'reference-2.png'],
    ])
    expect(Buffer.from(req?.files[1]?.bytes ?? []).equals(refs[1] as Buffer)).toBe(true)
    expect('outputs' in res && res.outputs).toHaveLength(2)
  })

  it('fetches references over HTTP through the guarded fetcher the worker provides', async () => {
    const { createServer } = await import('node:http')
    const cdn = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(refs[0]))
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r))
    const port = (cdn.address() as { port: number }).port
    try {
      const fetchReference = createFetchReference({ policy: { allowPrivate: true } })
      await provider.submit(job({ referenceImageUrls: [`http://127.0.0.1:${port}/a.png`] }), ctx({}, fake.apiKey, fetchReference))
      expect(fake.requests[0]?.files).toHaveLength(1)
      // The same URL under the default policy is refused by the SSRF guard, before anything is sent upstream.
      const guarded = createFetchReference({ policy: { allowPrivate: false } })
      const e = await expectProviderError(provider.submit(job({ referenceImageUrls: [`http://127.0.0.1:${port}/a.png`] }), ctx({}, fake.apiKey, guarded)))
      expect({ kind: e.kind, code: e.code }).toEqual({ kind: 'user', code: 'reference_unavailable' })
      expect(fake.requests).toHaveLength(1)
    } finally {
      cdn.closeAllConnections()
      cdn.close()
    }
  })

  it('never fetches a reference without a fetcher: the step fails as misconfigured', async () => {
    const e = await expectProviderError(provider.submit(job({ referenceImageUrls: ['https://cdn.example/x'] }), ctx()))
    expect(e.kind).toBe('config')
    expect(fake.requests).toHaveLength(0)
  })

  it('fails as reference_unavailable when a reference is not an image', async () => {
    const e = await expectProviderError(provider.submit(job({ referenceImageUrls: ['https://cdn.example/x'] }), ctx({}, fake.apiKey, async () => ({ bytes: new Uint8Array([1, 2, 3]), mime: 'text/html' }))))
    expect({ kind: e.kind, code: e.code }).toEqual({ kind: 'user', code: 'reference_unavailable' })
    expect(fake.requests).toHaveLength(0)
  })
})

describe('failures', () => {
  it('content rejection → user content_rejected', async () => {
    fake.script({ kind: 'moderation' })
    const e = await expectProviderError(provider.submit(job(), ctx()))
    expect({ kind: e.kind, code: e.code }).toEqual({ kind: 'user', code: 'content_rejected' })
    expectSafe(e, 'Your request was rejected')
    expect(e.detail).toContain('moderation_blocked')
  })

  it('a wrong key → config, and the key never leaks', async () => {
    const e = await expectProviderError(provider.submit(job(), ctx({}, 'sk-wrong-key-that-leaks-0000')))
    expect(e.kind).toBe('config')
    expectSafe(e, 'Incorrect API key')
    expect(e.publicMessage).not.toContain('sk-wrong-key-that-leaks-0000')
  })

  it('an upstream body echoing the key is redacted in detail', async () => {
    fake.script({ kind: 'raw', status: 400, body: JSON.stringify({ error: { message: `bad key ${fake.apiKey}`, type: 'invalid_request_error', code: null } }) })
    const e = await expectProviderError(provider.submit(job(), ctx()))
    expect(e.detail).toContain('[redacted]')
    expectSafe(e, 'bad key')
  })

  it('429 → retryable with Retry-After, preferring retry-after-ms', async () => {
    fake.script({ kind: 'rate-limited', retryAfter: '20' }, { kind: 'rate-limited', retryAfter: '20', retryAfterMs: '750' })
    const a = await expectProviderError(provider.submit(job(), ctx()))
    expect({ kind: a.kind, retryAfterMs: a.retryAfterMs }).toEqual({ kind: 'retryable', retryAfterMs: 20_000 })
    expectSafe(a, 'Rate limit reached')
    const b = await expectProviderError(provider.submit(job(), ctx()))
    expect(b.retryAfterMs).toBe(750)
  })

  it.each([500, 503])('%i → retryable', async (status) => {
    fake.script({ kind: 'server-error', status })
    const e = await expectProviderError(provider.submit(job(), ctx()))
    expect(e.kind).toBe('retryable')
    expectSafe(e, 'The server had an error')
  })

  it('other 400 → user invalid_input', async () => {
    fake.script({ kind: 'bad-request', message: 'Prompt is too odd.' })
    const e = await expectProviderError(provider.submit(job(), ctx()))
    expect({ kind: e.kind, code: e.code }).toEqual({ kind: 'user', code: 'invalid_input' })
    expectSafe(e, 'Prompt is too odd.')
  })

  it('a hang past timeoutMs → unknown', async () => {
    fake.script({ kind: 'hang' })
    const e = await expectProviderError(provider.submit(job(), ctx({ timeoutMs: 150 })))
    expect(e.kind).toBe('unknown')
    expectSafe(e)
    expect(fake.requests).toHaveLength(1)
  })

  it('malformed JSON on 200 → retryable', async () => {
    fake.script({ kind: 'malformed' })
    const e = await expectProviderError(provider.submit(job(), ctx()))
    expect(e.kind).toBe('retryable')
    expectSafe(e)
  })

  it('an unreachable upstream → retryable (nothing was sent)', async () => {
    const dead = await startFakeOpenAi()
    const url = dead.url
    await dead.close()
    const c = ctx()
    const e = await expectProviderError(provider.submit(job(), { ...c, channel: { ...c.channel, baseUrl: url } }))
    expect(e.kind).toBe('retryable')
  })
})

describe('get and cancel', () => {
  it('get never reports success for a synchronous upstream; cancel resolves', async () => {
    const res = await provider.get('req_x', job(), ctx())
    expect(res.state).toBe('failed')
    if (res.state === 'failed') expect(res.error.kind).toBe('retryable')
    await expect(provider.cancel('req_x', ctx())).resolves.toBeUndefined()
  })
})
