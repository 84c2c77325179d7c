import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver } from '../support/receiver.js'
import { Reelay, RateLimitError, type Sleep } from '../../packages/sdk/src/index.js'
import { retryAfterMs, shouldRetry } from '../../packages/sdk/src/retry.js'

const created = { ok: true, jobId: 'job_1', status: 'queued', type: 'image', model: 'm', chargedCredits: 20, idempotentReplay: false }
let close: (() => Promise<void>) | undefined

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

afterEach(async () => {
  await close?.()
  close = undefined
})

function client(url: string, sleeps: number[]) {
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms)
  }
  return new Reelay({ apiKey: 'rl_test', baseURL: url, sleep })
}

describe('SDK retries', () => {
  it('retries a 503 after its Retry-After with the same Idempotency-Key', async () => {
    const r = await startReceiver((_req, n) =>
      n === 1
        ? json(503, { ok: false, error: { code: 'service_busy', message: 'busy' } }, { 'retry-after': '3' })
        : json(202, created),
    )
    close = r.close
    const sleeps: number[] = []
    const job = await client(r.url, sleeps).images.create({ prompt: 'a cat' })
    expect(job.jobId).toBe('job_1')
    expect(r.received).toHaveLength(2)
    const keys = r.received.map((x) => x.headers['idempotency-key'])
    expect(keys[0]).toBeTruthy()
    expect(keys[1]).toBe(keys[0])
    expect(sleeps).toEqual([3000])
  })

  it('two creates get two different keys', async () => {
    const r = await startReceiver(() => json(202, created))
    close = r.close
    const sdk = client(r.url, [])
    await sdk.images.create({ prompt: 'a' })
    await sdk.images.create({ prompt: 'a' })
    expect(r.received[0]!.headers['idempotency-key']).not.toBe(r.received[1]!.headers['idempotency-key'])
  })

  it('does not retry when the server says x-should-retry: false', async () => {
    const r = await startReceiver(() => json(429, { ok: false, error: { code: 'rate_limited', message: 'quota' } }, { 'x-should-retry': 'false', 'retry-after': '1' }))
    close = r.close
    const sleeps: number[] = []
    const err = await client(r.url, sleeps).usage.get().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RateLimitError)
    expect(r.received).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('retries a 409 that says when (the first request with that key is still running)', async () => {
    const r = await startReceiver((_req, n) =>
      n === 1
        ? json(409, { ok: false, error: { code: 'idempotency_conflict', message: 'in flight' } }, { 'retry-after': '1' })
        : json(202, { ...created, idempotentReplay: true }),
    )
    close = r.close
    const job = await client(r.url, []).videos.create({ prompt: 'x' })
    expect(job.idempotentReplay).toBe(true)
    expect(r.received.map((x) => x.headers['idempotency-key'])).toEqual([r.received[0]!.headers['idempotency-key'], r.received[0]!.headers['idempotency-key']])
  })

  it('retries a connection error, then gives up with APIConnectionError', async () => {
    const sleeps: number[] = []
    const sdk = new Reelay({ apiKey: 'rl_test', baseURL: 'http://127.0.0.1:9', sleep: async (ms) => void sleeps.push(ms), maxRetries: 2, backoff: { random: () => 0 } })
    const err = await sdk.usage.get().catch((e: unknown) => e)
    expect((err as Error).name).toBe('APIConnectionError')
    expect(sleeps).toEqual([500, 1000])
  })
})

describe('retry rules', () => {
  it('reads retry-after-ms, fractional seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 0, 1)
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250)
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500)
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now + 4000).toUTCString() }), now)).toBe(4000)
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
  })

  it('retries 408, 429, 5xx and a 409 that says when; not other 4xx; x-should-retry wins', () => {
    for (const s of [408, 429, 500, 502, 503]) expect(shouldRetry(s, new Headers())).toBe(true)
    for (const s of [400, 401, 402, 404, 409]) expect(shouldRetry(s, new Headers())).toBe(false)
    expect(shouldRetry(409, new Headers({ 'retry-after': '1' }))).toBe(true)
    expect(shouldRetry(400, new Headers({ 'x-should-retry': 'true' }))).toBe(true)
    expect(shouldRetry(503, new Headers({ 'x-should-retry': 'false' }))).toBe(false)
  })
})
