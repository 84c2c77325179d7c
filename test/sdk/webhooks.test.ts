import { describe, expect, it } from 'vitest'
import { createSdkHarness } from '../support/sdk.js'
import { startReceiver } from '../support/receiver.js'
import { newWebhookSecret, seedanceSignature, signatureHeaders } from '../../src/webhooks/sign.js'
import { Reelay, WebhookVerificationError } from '../../packages/sdk/src/index.js'

const sdk = new Reelay({ apiKey: 'rl_unused', baseURL: 'http://127.0.0.1:9' })
const secret = newWebhookSecret()
const body = JSON.stringify({ type: 'job.succeeded', timestamp: '2026-01-01T00:00:00.000Z', data: { jobId: 'job_1', status: 'succeeded' } })
const nowSec = () => Math.floor(Date.now() / 1000)

async function reason(p: Promise<unknown>) {
  const err = await p.catch((e: unknown) => e)
  expect(err).toBeInstanceOf(WebhookVerificationError)
  return (err as WebhookVerificationError).reason
}

describe('webhooks.verify', () => {
  it('accepts a Standard Webhooks delivery as the server signs it (string, bytes or Headers)', async () => {
    const headers = signatureHeaders([secret], 'msg_1', nowSec(), body)
    expect((await sdk.webhooks.verify(body, headers, secret)).data.jobId).toBe('job_1')
    expect((await sdk.webhooks.verify(new TextEncoder().encode(body), new Headers(headers), secret)).type).toBe('job.succeeded')
  })

  it('says which of wrong secret, stale timestamp or re-serialised body it was', async () => {
    const headers = signatureHeaders([secret], 'msg_1', nowSec(), body)
    expect(await reason(sdk.webhooks.verify(body, headers, newWebhookSecret()))).toBe('wrong_secret')
    expect(await reason(sdk.webhooks.verify(body, signatureHeaders([secret], 'msg_1', nowSec() - 600, body), secret))).toBe('stale_timestamp')
    expect(await reason(sdk.webhooks.verify(JSON.stringify(JSON.parse(body), null, 2), headers, secret))).toBe('body_reserialised')
    expect(await reason(sdk.webhooks.verify(JSON.parse(body) as string, headers, secret))).toBe('body_reserialised')
    expect(await reason(sdk.webhooks.verify(body, {}, secret))).toBe('missing_headers')
  })

  it('accepts x-seedance-signature alone, and refuses it under another secret', async () => {
    const headers = { 'x-seedance-signature': seedanceSignature(secret, body) }
    expect((await sdk.webhooks.verify(body, headers, secret)).data.status).toBe('succeeded')
    expect(await reason(sdk.webhooks.verify(body, headers, newWebhookSecret()))).toBe('wrong_secret')
  })
})

describe('webhooks.verify on a real delivery', () => {
  it('accepts what the server sent to a receiver, and names a re-serialised body', async () => {
    const h = await createSdkHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const r = await startReceiver()
    try {
      const c = await h.customer(1_000)
      const client = h.client(c.key)
      const job = await client.images.create({ prompt: 'a signed picture', webhookUrl: `${r.url}/hook` })
      await h.rt.worker.drain()
      await h.rt.dispatcher.drain()
      const got = r.received[0]!
      const whsec = (await h.app.inject({ method: 'GET', url: '/v1/webhook', headers: c.auth })).json().secret as string
      const event = await client.webhooks.verify(got.body, got.headers, whsec)
      expect(event).toMatchObject({ type: 'job.succeeded', data: { jobId: job.jobId, status: 'succeeded' } })
      expect(await reason(client.webhooks.verify(JSON.stringify(JSON.parse(got.body), null, 2), got.headers, whsec))).toBe('body_reserialised')
    } finally {
      await r.close()
      await h.close()
    }
  })
})
