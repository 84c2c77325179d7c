import { generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { parseCallback } from '../../../src/providers/fal/callback.js'
import { createFalProvider } from '../../../src/providers/fal/index.js'
import type { CallbackRequest } from '../../../src/providers/http/json-client.js'
import type { ProviderContext } from '../../../src/providers/provider.js'
import { startFakeFal, type FakeFal } from '../../support/fakes/fal-server.js'
import { providerContext, startCallbackReceiver, videoJob, videoParams, type CallbackReceiver } from '../support.js'

let fake: FakeFal
let clock: ManualClock
let receiver: CallbackReceiver

const job = videoJob(videoParams({ prompt: 'A kite over the dunes', durationSec: 4, resolution: '480p', aspectRatio: '1:1', generateAudio: false, seed: 3 }), 'seedance-2.0', 'job_cb')

function ctx(options: Record<string, unknown> = { falJwks: fake.jwks }): ProviderContext {
  const channel = { id: 'ch-fal', provider: 'fal', baseUrl: fake.url, apiKey: fake.apiKey, models: { 'seedance-2.0': 'bytedance/seedance-2.0' } }
  return providerContext(channel, { clock, tmpDir: '/tmp', options, callbackUrl: `${receiver.url}/internal/callbacks/ch-fal?job=${job.id}` })
}

async function completedCallback(outcome?: Parameters<FakeFal['nextOutcome']>[0]): Promise<{ upstreamId: string; cb: CallbackRequest }> {
  if (outcome) fake.nextOutcome(outcome)
  const { upstreamId } = await createFalProvider().submit(job, ctx())
  fake.finish([...fake.queue.keys()].at(-1)!)
  await fake.settled()
  return { upstreamId, cb: receiver.received.at(-1)! }
}

beforeEach(async () => {
  clock = new ManualClock()
  fake = await startFakeFal({ now: () => clock.now() })
  receiver = await startCallbackReceiver()
})

afterEach(async () => {
  await fake.close()
  await receiver.close()
})

describe('fal webhooks', () => {
  it('verifies the Ed25519 signature and maps the body to our upstream id', async () => {
    const { upstreamId, cb } = await completedCallback()
    expect(JSON.parse(cb.rawBody.toString())).toMatchObject({ status: 'OK', payload: { video: { content_type: 'video/mp4' } } })
    expect(parseCallback(cb, ctx())).toEqual({ upstreamId })
  })

  it('accepts ERROR webhooks too: the re-fetch decides the outcome', async () => {
    const { upstreamId, cb } = await completedCallback({ kind: 'reject' })
    expect(JSON.parse(cb.rawBody.toString())).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422' })
    expect(parseCallback(cb, ctx())).toEqual({ upstreamId })
    const res = await createFalProvider().get(upstreamId, job, ctx())
    expect(res.state === 'failed' && res.error.code).toBe('content_rejected')
  })

  it('rejects a body with one flipped byte, a flipped signature or a foreign key', async () => {
    const { cb } = await completedCallback()
    const body = Buffer.from(cb.rawBody)
    body[10] = body[10]! ^ 0x01
    expect(parseCallback({ ...cb, rawBody: body }, ctx())).toBeNull()
    const sig = String(cb.headers['x-fal-webhook-signature'])
    const flipped = `${sig.slice(0, 4)}${sig[4] === '0' ? '1' : '0'}${sig.slice(5)}`
    expect(parseCallback({ ...cb, headers: { ...cb.headers, 'x-fal-webhook-signature': flipped } }, ctx())).toBeNull()
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })
    expect(parseCallback(cb, ctx({ falJwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: other.x }] } }))).toBeNull()
    expect(parseCallback(cb, ctx({}))).toBeNull()
  })

  it('accepts timestamps within ±300 s and rejects ones beyond', async () => {
    const { upstreamId, cb } = await completedCallback()
    const id = String(cb.headers['x-fal-webhook-request-id'])
    const raw = cb.rawBody.toString()
    const at = (offsetSec: number) => ({ ...cb, headers: fake.signWebhook(id, raw, Math.floor(clock.now() / 1000) + offsetSec) })
    expect(parseCallback(at(299), ctx())).toEqual({ upstreamId })
    expect(parseCallback(at(-299), ctx())).toEqual({ upstreamId })
    expect(parseCallback(at(301), ctx())).toBeNull()
    expect(parseCallback(at(-301), ctx())).toBeNull()
    clock.advance(301_000)
    expect(parseCallback(cb, ctx())).toBeNull()
  })

  it('rejects a signed request id that differs from the body, or a missing app root', async () => {
    const { cb } = await completedCallback()
    const raw = cb.rawBody.toString()
    expect(parseCallback({ ...cb, headers: fake.signWebhook('someone-else', raw) }, ctx())).toBeNull()
    expect(parseCallback({ ...cb, query: { job: 'job_cb' } }, ctx())).toBeNull()
  })
})
