import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import type { CallbackRequest } from '../../../src/providers/http/json-client.js'
import type { ProviderContext } from '../../../src/providers/provider.js'
import { parseCallback, verifyReplicateSignature } from '../../../src/providers/replicate/callback.js'
import { createReplicateProvider } from '../../../src/providers/replicate/index.js'
import { startFakeReplicate, type FakeReplicate } from '../../support/fakes/replicate-server.js'
import { providerContext, startCallbackReceiver, videoJob, videoParams, type CallbackReceiver } from '../support.js'

let fake: FakeReplicate
let clock: ManualClock
let receiver: CallbackReceiver

const job = videoJob(videoParams({ prompt: 'Waves on black sand', seed: -1 }), 'seedance-2.0', 'job_cb')

function ctx(options: Record<string, unknown> = { webhookSecret: fake.webhookSecret }): ProviderContext {
  const channel = { id: 'ch-rep', provider: 'replicate', baseUrl: fake.url, apiKey: fake.apiKey, models: { 'seedance-2.0': 'bytedance/seedance-2.0' } }
  return providerContext(channel, { clock, tmpDir: '/tmp', options, callbackUrl: `${receiver.url}/internal/callbacks/ch-rep?job=${job.id}` })
}

async function completed(): Promise<{ upstreamId: string; cb: CallbackRequest }> {
  const { upstreamId } = await createReplicateProvider().submit(job, ctx())
  fake.finish(upstreamId)
  await fake.settled()
  return { upstreamId, cb: receiver.received.at(-1)! }
}

beforeEach(async () => {
  clock = new ManualClock()
  fake = await startFakeReplicate({ now: () => clock.now() })
  receiver = await startCallbackReceiver()
})

afterEach(async () => {
  await fake.close()
  await receiver.close()
})

describe('replicate webhooks', () => {
  it('sends only the completed event and verifies it', async () => {
    const { upstreamId, cb } = await completed()
    expect(receiver.received).toHaveLength(1)
    expect(JSON.parse(cb.rawBody.toString())).toMatchObject({ id: upstreamId, status: 'succeeded' })
    expect(parseCallback(cb, ctx())).toEqual({ upstreamId })
  })

  it('rejects one flipped byte in the body, id or signature, and a missing or wrong secret', async () => {
    const { cb } = await completed()
    const body = Buffer.from(cb.rawBody)
    body[5] = body[5]! ^ 0x01
    expect(parseCallback({ ...cb, rawBody: body }, ctx())).toBeNull()
    expect(parseCallback({ ...cb, headers: { ...cb.headers, 'webhook-id': `${String(cb.headers['webhook-id'])}x` } }, ctx())).toBeNull()
    const sig = String(cb.headers['webhook-signature'])
    const flipped = `${sig.slice(0, 5)}${sig[5] === 'A' ? 'B' : 'A'}${sig.slice(6)}`
    expect(parseCallback({ ...cb, headers: { ...cb.headers, 'webhook-signature': flipped } }, ctx())).toBeNull()
    expect(parseCallback(cb, ctx({}))).toBeNull()
    expect(parseCallback(cb, ctx({ webhookSecret: `whsec_${Buffer.from('another secret').toString('base64')}` }))).toBeNull()
  })

  it('accepts any valid entry in a multi-signature header (secret rotation)', async () => {
    const { upstreamId, cb } = await completed()
    const headers = { ...cb.headers, 'webhook-signature': `v1,AAAA v1a,ignored ${String(cb.headers['webhook-signature'])}` }
    expect(parseCallback({ ...cb, headers }, ctx())).toEqual({ upstreamId })
  })

  it('accepts timestamps within ±300 s and rejects ones beyond', async () => {
    const { upstreamId, cb } = await completed()
    const raw = cb.rawBody.toString()
    const at = (offsetSec: number) => ({ ...cb, headers: fake.signWebhook(raw, Math.floor(clock.now() / 1000) + offsetSec) })
    expect(parseCallback(at(299), ctx())).toEqual({ upstreamId })
    expect(parseCallback(at(-299), ctx())).toEqual({ upstreamId })
    expect(parseCallback(at(301), ctx())).toBeNull()
    expect(parseCallback(at(-301), ctx())).toBeNull()
  })

  it('agrees with the official standardwebhooks verifier', () => {
    const raw = JSON.stringify({ id: 'p1', status: 'succeeded' })
    const now = Date.now()
    const headers = fake.signWebhook(raw, Math.floor(now / 1000))
    expect(new Webhook(fake.webhookSecret).verify(raw, headers)).toEqual({ id: 'p1', status: 'succeeded' })
    expect(verifyReplicateSignature({ headers, rawBody: raw, query: {} }, fake.webhookSecret, now)).toBe(true)
  })
})
