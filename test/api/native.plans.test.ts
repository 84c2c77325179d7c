import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

let h: Harness
beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'prices-')), 'prices.json')
  writeFileSync(file, JSON.stringify({ plans: { capped: { name: 'Capped', requestsPerMinute: 1_000, maxActiveJobs: 10, monthlyCreditQuota: 50 } } }))
  h = await createHarness({ env: { REELAY_PRICES_FILE: file } })
})
afterAll(async () => {
  await h.close()
})

const image = (auth: Record<string, string>, prompt: string) =>
  h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': prompt }, payload: { prompt } })

describe('plans from the operator price file', () => {
  it('answers 429 rate_limited once a job would pass the monthly credit quota, and allows it again next month', async () => {
    const c = await h.customer(1_000, 'capped')
    expect((await image(c.auth, 'first picture')).statusCode).toBe(202)
    expect((await image(c.auth, 'second picture')).statusCode).toBe(202)
    const over = await image(c.auth, 'third picture')
    expect(over.statusCode).toBe(429)
    expect(over.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('monthly quota of 50') })
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({
      reserved: 40,
      plan: { id: 'capped', name: 'Capped' },
      limits: { requestsPerMinute: 1_000, maxActiveJobs: 10, monthlyCreditQuota: 50 },
    })
    await h.rt.worker.drain()
    h.clock.advance(32 * 24 * 3_600_000)
    expect((await image(c.auth, 'next month')).statusCode).toBe(202)
  })
})
