import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startReceiver } from '../support/receiver.js'
import { verifyWebhook } from '../../src/webhooks/index.js'

let h: Harness
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0)) await c()
  await h?.close()
})

async function setup(env: Record<string, string> = {}) {
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', ...env } })
  return h.customer(10_000, 'pro')
}

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond)
  closers.push(r.close)
  return r
}

const submit = (auth: Record<string, string>, key: string, extra: object = {}) =>
  h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': key }, payload: { prompt: 'a signed picture', ...extra } })

async function settle() {
  await h.rt.worker.drain()
  await h.rt.dispatcher.drain()
}

async function secretOf(auth: Record<string, string>): Promise<string> {
  return (await h.app.inject({ method: 'GET', url: '/v1/webhook', headers: auth })).json().secret
}

describe('webhook delivery', () => {
  it('delivers a per-request webhook, signed both ways, in the native shape', async () => {
    const c = await setup()
    const r = await receiver()
    const job = (await submit(c.auth, 'wh-1', { webhookUrl: `${r.url}/hook` })).json()
    await settle()
    expect(r.received).toHaveLength(1)
    const got = r.received[0]!
    expect(got.path).toBe('/hook')
    const payload = JSON.parse(got.body)
    expect(payload).toMatchObject({ type: 'job.succeeded', data: { jobId: job.jobId, status: 'succeeded', type: 'image', chargedCredits: 20 } })
    expect(payload.data.outputs[0]).toMatchObject({ mimeType: 'image/png', width: 1024, height: 1024 })

    const secret = await secretOf(c.auth)
    expect(secret).toMatch(/^whsec_/)
    // The official Standard Webhooks verifier accepts it (with our test clock's timestamp).
    const wh = new Webhook(secret)
    const nowSec = Math.floor(h.clock.now() / 1000)
    expect(Number(got.headers['webhook-timestamp'])).toBe(nowSec)
    expect(verifyWebhook(secret, got.body, got.headers as Record<string, string>, { nowSec })).toEqual({ id: got.headers['webhook-id'], timestamp: nowSec })
    const headers = { 'webhook-id': String(got.headers['webhook-id']), 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': '' }
    // Re-sign the same id/body at wall-clock time to satisfy the library's own ±5 min window.
    headers['webhook-signature'] = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${got.body}`).digest('base64')}`
    expect(wh.verify(got.body, headers)).toMatchObject({ type: 'job.succeeded' })
    // x-seedance-signature: plain hex HMAC-SHA256 of the raw body.
    expect(got.headers['x-seedance-signature']).toBe(createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(got.body).digest('hex'))

    // One flipped byte fails both.
    const flipped = got.body.replace('succeeded', 'succeedeD')
    expect(() => verifyWebhook(secret, flipped, got.headers as Record<string, string>, { nowSec })).toThrow(/signature/)
    expect(() => wh.verify(flipped, headers)).toThrow()
    expect(createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(flipped).digest('hex')).not.toBe(got.headers['x-seedance-signature'])
    // Stale timestamps are refused.
    expect(() => verifyWebhook(secret, got.body, got.headers as Record<string, string>, { nowSec: nowSec + 301 })).toThrow(/too old/)
  })

  it('uses the key default URL, lets a per-request URL win, and signs with both secrets during a rotation', async () => {
    const c = await setup()
    const def = await receiver()
    const own = await receiver()
    const put = await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { url: `${def.url}/default` } })
    expect(put.statusCode).toBe(200)
    const oldSecret = put.json().secret
    await submit(c.auth, 'wh-default')
    await submit(c.auth, 'wh-own', { webhookUrl: `${own.url}/own` })
    await settle()
    expect(def.received).toHaveLength(1)
    expect(own.received).toHaveLength(1)

    const rotated = (await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { rotateSecret: true } })).json()
    expect(rotated.secret).not.toBe(oldSecret)
    expect(rotated.previousSecretExpiresAt).not.toBeNull()
    await submit(c.auth, 'wh-rotated')
    await settle()
    const got = def.received[1]!
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2)
    const nowSec = Math.floor(h.clock.now() / 1000)
    for (const s of [oldSecret, rotated.secret]) expect(() => verifyWebhook(s, got.body, got.headers as Record<string, string>, { nowSec })).not.toThrow()
    // After the overlap window only the new secret signs.
    h.clock.advance(24 * 3_600_000 + 1)
    await submit(c.auth, 'wh-after')
    await settle()
    const late = def.received[2]!
    expect(String(late.headers['webhook-signature']).split(' ')).toHaveLength(1)
    expect(() => verifyWebhook(oldSecret, late.body, late.headers as Record<string, string>, { nowSec: Math.floor(h.clock.now() / 1000) })).toThrow()
  })

  it('retries on 5xx, timeouts and redirects on the documented schedule with the same webhook-id', async () => {
    const c = await setup({ REELAY_WEBHOOK_TIMEOUT_MS: '300' })
    const answers: (number | 'hang' | { status: number; headers: Record<string, string> })[] = [500, 'hang', { status: 302, headers: { location: 'http://127.0.0.1:1/' } }, 200]
    const r = await receiver((_req, n) => answers[n - 1] ?? 200)
    const job = (await submit(c.auth, 'wh-retry', { webhookUrl: r.url })).json()
    await settle()
    expect(r.received).toHaveLength(1)
    const waits = [1_000, 5_000, 30_000]
    for (const [i, wait] of waits.entries()) {
      h.clock.advance(wait - 1)
      await h.rt.dispatcher.drain()
      expect(r.received).toHaveLength(i + 1)
      h.clock.advance(1)
      await h.rt.dispatcher.drain()
      expect(r.received).toHaveLength(i + 2)
    }
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1)
    const log = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${job.jobId}/webhooks`, headers: c.auth })).json().data
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 4 })
    expect(log[0].log.map((a: { httpStatus: number | null; error: string | null }) => a.httpStatus ?? a.error)).toEqual([500, 'timeout', 302, 200])
    for (const a of log[0].log) expect(a.latencyMs).toBeGreaterThanOrEqual(0)
    expect(log[0].log[0].response).toBe('ok')
    // A 2xx ends it: nothing more is sent.
    h.clock.advance(48 * 3_600_000)
    await h.rt.dispatcher.drain()
    expect(r.received).toHaveLength(4)
  })

  it('gives up after the last scheduled attempt', async () => {
    const c = await setup({ REELAY_WEBHOOK_SCHEDULE: '1s,2s' })
    const r = await receiver(() => 503)
    await submit(c.auth, 'wh-exhaust', { webhookUrl: r.url })
    await settle()
    for (const wait of [1_000, 2_000, 10_000, 100_000]) {
      h.clock.advance(wait)
      await h.rt.dispatcher.drain()
    }
    expect(r.received).toHaveLength(3)
  })

  it('disables the key default URL on 410 Gone', async () => {
    const c = await setup()
    const r = await receiver(() => 410)
    await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { url: r.url } })
    await submit(c.auth, 'wh-gone')
    await settle()
    expect(r.received).toHaveLength(1)
    const ep = (await h.app.inject({ method: 'GET', url: '/v1/webhook', headers: c.auth })).json()
    expect(ep.disabled).toMatchObject({ reason: expect.stringContaining('410') })
    h.clock.advance(3_600_000)
    await submit(c.auth, 'wh-gone-2')
    await settle()
    expect(r.received).toHaveLength(1)
  })

  it('redelivers on request with the same webhook-id', async () => {
    const c = await setup()
    const r = await receiver()
    const job = (await submit(c.auth, 'wh-redeliver', { webhookUrl: r.url })).json()
    await settle()
    const res = await h.app.inject({ method: 'POST', url: `/v1/jobs/${job.jobId}/webhook/redeliver`, headers: c.auth })
    expect(res.statusCode).toBe(202)
    await h.rt.dispatcher.drain()
    expect(r.received).toHaveLength(2)
    expect(r.received[1]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id'])
    expect(r.received[1]!.body).toBe(r.received[0]!.body)
  })

  it('still delivers the webhook of a job its customer deleted before it went out', async () => {
    const c = await setup()
    const r = await receiver()
    const job = (await submit(c.auth, 'wh-deleted', { webhookUrl: r.url })).json()
    await h.rt.worker.drain()
    expect(r.received).toHaveLength(0)
    await h.rt.jobs.remove(c.account.id, job.jobId)
    expect((await h.app.inject({ method: 'GET', url: `/v1/jobs/${job.jobId}`, headers: c.auth })).statusCode).toBe(404)
    await h.rt.dispatcher.drain()
    expect(r.received).toHaveLength(1)
    expect(JSON.parse(r.received[0]!.body)).toMatchObject({ type: 'job.succeeded', data: { jobId: job.jobId, status: 'succeeded', chargedCredits: 20 } })
  })

  it('sends failure and cancel events too, and does not let a slow receiver delay others', async () => {
    const c = await setup({ REELAY_WEBHOOK_TIMEOUT_MS: '2000' })
    const slow = await receiver(() => 'hang')
    const fast = await receiver()
    const a = (await submit(c.auth, 'wh-slow', { webhookUrl: slow.url })).json()
    const b = (await submit(c.auth, 'wh-cancel', { webhookUrl: fast.url })).json()
    await h.app.inject({ method: 'POST', url: `/v1/jobs/${b.jobId}/cancel`, headers: c.auth })
    await h.rt.worker.drain()
    const started = Date.now()
    const draining = h.rt.dispatcher.drain()
    while (fast.received.length === 0) await new Promise((r) => setTimeout(r, 10))
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(JSON.parse(fast.received[0]!.body)).toMatchObject({ type: 'job.cancelled', data: { jobId: b.jobId, status: 'cancelled' } })
    await draining
    expect(slow.received).toHaveLength(1)
    expect(a.jobId).toBeDefined()
  })
})

describe('progress events', () => {
  it('sends job.progress only to keys that opted in', async () => {
    const c = await setup({ REELAY_STUDIO_LATENCY_MS: '10000' })
    const r = await receiver()
    await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { url: r.url } })
    await submit(c.auth, 'progress-off')
    await settle()
    h.clock.advance(5_000)
    await settle()
    expect(r.received).toHaveLength(0)
    await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { progressEvents: true } })
    await submit(c.auth, 'progress-on')
    await settle()
    h.clock.advance(5_000)
    await settle()
    h.clock.advance(5_000)
    await settle()
    const types = r.received.map((x) => JSON.parse(x.body).type)
    expect(types).toContain('job.progress')
    expect(types.filter((t) => t === 'job.succeeded')).toHaveLength(2)
  })
})

describe('webhook URLs at submit', () => {
  it('refuses private and non-https webhook URLs when private URLs are not allowed, charging nothing', async () => {
    h = await createHarness()
    const c = await h.customer(1_000)
    for (const url of ['http://127.0.0.1:9/hook', 'https://10.0.0.1/hook', 'https://[::1]/x', 'ftp://example.com/x', 'http://example.com/x']) {
      const res = await submit(c.auth, `bad-${url}`, { webhookUrl: url })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'invalid_request', field: 'webhookUrl' })
    }
    const put = await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { url: 'https://169.254.169.254/latest' } })
    expect(put.statusCode).toBe(400)
    expect(put.json().error.field).toBe('url')
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 1_000, reserved: 0 })
  })
})
