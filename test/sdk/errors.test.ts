import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSdkHarness, type SdkHarness } from '../support/sdk.js'
import { AuthenticationError, BadRequestError, IdempotencyConflictError, InsufficientCreditsError, RateLimitError, type VideoCreateParams } from '../../packages/sdk/src/index.js'

let h: SdkHarness

beforeAll(async () => {
  h = await createSdkHarness()
})
afterAll(async () => {
  await h.close()
})

describe('SDK errors from a real server', () => {
  it('401: AuthenticationError with the code and the request id', async () => {
    const err = await h.client('rl_not_a_key').usage.get().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AuthenticationError)
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' })
    expect((err as AuthenticationError).requestId).toBeTruthy()
  })

  it('400: BadRequestError naming the field; nothing is charged', async () => {
    const c = await h.customer(1_000)
    const sdk = h.client(c.key)
    const err = await sdk.videos.create({ prompt: 'x', size: 'huge' } as VideoCreateParams).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadRequestError)
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', field: 'size' })
    expect((await sdk.usage.get()).available).toBe(1_000)
  })

  it('402: InsufficientCreditsError', async () => {
    const c = await h.customer(0)
    const err = await h.client(c.key).images.create({ prompt: 'a cat' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InsufficientCreditsError)
    expect(err).toMatchObject({ status: 402, code: 'insufficient_credits' })
  })

  it('409: IdempotencyConflictError when a key is reused with another body, not retried', async () => {
    const c = await h.customer(1_000)
    const sdk = h.client(c.key)
    await sdk.images.create({ prompt: 'one' }, { idempotencyKey: 'reused-key' })
    const before = h.sleeps.length
    const err = await sdk.images.create({ prompt: 'two' }, { idempotencyKey: 'reused-key' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IdempotencyConflictError)
    expect(err).toMatchObject({ status: 409, code: 'idempotency_conflict', field: 'Idempotency-Key' })
    expect(h.sleeps.length).toBe(before)
  })

  it('parallel creates with one key all come back as the one job (the in-flight 409 is retried)', async () => {
    const c = await h.customer(10_000, 'pro')
    // A retry waits for the next call to get its answer (the request holding the key is then done).
    let wake = () => {}
    let nextAnswer = new Promise<void>((resolve) => (wake = resolve))
    // Concurrent replays of one key also meet the in-flight 409, so give each call room to retry.
    const sdk = h.client(c.key, { sleep: () => nextAnswer, maxRetries: 20 })
    const calls = Array.from({ length: 10 }, () => sdk.images.create({ prompt: 'one of ten' }, { idempotencyKey: 'shared-key' }))
    const answeredOne = () => {
      const woken = wake
      nextAnswer = new Promise<void>((resolve) => (wake = resolve))
      woken()
    }
    for (const call of calls) void call.then(answeredOne, answeredOne)
    const jobs = await Promise.all(calls)
    expect(new Set(jobs.map((j) => j.jobId)).size).toBe(1)
    expect(jobs.filter((j) => !j.idempotentReplay)).toHaveLength(1)
  })

  it('429: RateLimitError carrying Retry-After in seconds', async () => {
    const c = await h.customer(10_000)
    const sdk = h.client(c.key, { maxRetries: 0 })
    for (let i = 0; i < 3; i++) await sdk.images.create({ prompt: `job ${i}` })
    const err = await sdk.images.create({ prompt: 'one too many' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RateLimitError)
    expect(err).toMatchObject({ status: 429, code: 'concurrency_limited' })
    expect((err as RateLimitError).retryAfter).toBeGreaterThan(0)
  })
})
