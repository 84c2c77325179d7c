import { describe, expect, it } from 'vitest'
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
