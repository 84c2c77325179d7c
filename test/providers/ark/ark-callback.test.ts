import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { arkCallbackToken, parseCallback } from '../../../src/providers/ark/callback.js'
import { createArkProvider } from '../../../src/providers/ark/index.js'
import type { ProviderContext } from '../../../src/providers/provider.js'
import { startFakeArk, type FakeArk } from '../../support/fakes/ark-server.js'
import { providerContext, startCallbackReceiver, videoJob, videoParams, type CallbackReceiver } from '../support.js'

let fake: FakeArk
let receiver: CallbackReceiver

const job = videoJob(videoParams({ prompt: 'A lighthouse in a storm', resolution: '480p', aspectRatio: '9:16', generateAudio: false, seed: 7 }), 'seedance-2.0', 'job_cb')

function ctx(): ProviderContext {
  const channel = { id: 'ch-ark', provider: 'ark', baseUrl: fake.url, apiKey: fake.apiKey, models: { 'seedance-2.0': 'dreamina-seedance-2-0-260128' } }
  return providerContext(channel, { clock: new ManualClock(), tmpDir: '/tmp', callbackUrl: `${receiver.url}/internal/callbacks/ch-ark?job=${job.id}` })
}

beforeEach(async () => {
  fake = await startFakeArk()
  receiver = await startCallbackReceiver()
})

afterEach(async () => {
  await fake.close()
  await receiver.close()
})

describe('ark callbacks', () => {
  it('parses the GET-shaped task Ark posts on each status change', async () => {
    const ark = createArkProvider()
    const { upstreamId } = await ark.submit(job, ctx())
    fake.finish(upstreamId)
    await fake.settled()
    expect(receiver.received.map((r) => JSON.parse(r.rawBody.toString()).status)).toEqual(['running', 'succeeded'])
    for (const r of receiver.received) expect(ark.parseCallback(r, ctx())).toEqual({ upstreamId })
    // A callback is only a hint: the re-fetch is what tells the worker the outcome.
    expect((await ark.get(upstreamId, job, ctx())).state).toBe('succeeded')
  })

  it('rejects a callback whose token is missing, altered by one byte or bound to another job', async () => {
    const { upstreamId } = await createArkProvider().submit(job, ctx())
    fake.finish(upstreamId)
    await fake.settled()
    const good = receiver.received[0]!
    const token = good.query.ark_token!
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    expect(parseCallback({ ...good, query: { job: 'job_cb' } }, ctx())).toBeNull()
    expect(parseCallback({ ...good, query: { ...good.query, ark_token: flipped } }, ctx())).toBeNull()
    expect(parseCallback({ ...good, query: { ...good.query, job: 'job_other' } }, ctx())).toBeNull()
    expect(parseCallback({ ...good, rawBody: '{not json' }, ctx())).toBeNull()
    expect(parseCallback({ ...good, rawBody: JSON.stringify({ id: '../../etc' }) }, ctx())).toBeNull()
  })

  it('derives tokens from the key and job, so a rotated key invalidates old ones', () => {
    expect(arkCallbackToken('k1', 'job_a')).not.toBe(arkCallbackToken('k2', 'job_a'))
    expect(arkCallbackToken('k1', 'job_a')).not.toBe(arkCallbackToken('k1', 'job_b'))
    expect(arkCallbackToken('k1', 'job_a')).toHaveLength(22)
  })
})
