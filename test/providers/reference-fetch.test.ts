import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai-server.js'
import { startMediaServer, type MediaServer } from '../support/media-server.js'

let h: Harness | undefined
let fake: FakeOpenAi | undefined
let media: MediaServer | undefined
afterEach(async () => {
  await h?.close()
  await fake?.close()
  await media?.close()
  h = fake = media = undefined
})

function channelsFile(url: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'channels-'))
  const file = path.join(dir, 'channels.json')
  writeFileSync(file, JSON.stringify({ channels: [{ id: 'oai', provider: 'openai', baseUrl: url, apiKeyEnv: 'OAI_KEY', models: { 'gpt-image-2': 'gpt-image-2' } }] }))
  return file
}

describe('reference URLs of an upstream that takes image bytes', () => {
  it('a reference that cannot be fetched is refused at submit: 400 reference_unavailable, nothing held, the upstream never called', async () => {
    fake = await startFakeOpenAi()
    h = await createHarness({ env: { REELAY_CHANNELS_FILE: channelsFile(fake.url), OAI_KEY: fake.apiKey } })
    const c = await h.customer(1_000)
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/images/generate',
      headers: { ...c.auth, 'idempotency-key': 'ref-1' },
      payload: { prompt: 'make it blue', referenceImage: 'https://reference.invalid/a.png' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'reference_unavailable', field: 'referenceImage[0]' })
    await h.rt.worker.drain()
    expect(fake.requests).toHaveLength(0)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 1_000, reserved: 0 })
  })

  it('uploads the stored copy: the customer’s server is asked once, at submit', async () => {
    fake = await startFakeOpenAi()
    media = await startMediaServer()
    h = await createHarness({ env: { REELAY_CHANNELS_FILE: channelsFile(fake.url), OAI_KEY: fake.apiKey, REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const c = await h.customer(1_000)
    const files = await (await import('../support/media-server.js')).mediaFixtures()
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/images/generate',
      headers: { ...c.auth, 'idempotency-key': 'ref-2' },
      payload: { prompt: 'make it blue', referenceImage: media.url('red-640x480.png', 'customer/asset') },
    })
    expect(res.statusCode, res.body).toBe(202)
    await h.rt.worker.drain()
    const edit = fake.requests.find((r) => r.path === '/v1/images/edits')
    expect(edit?.files.map((f) => Buffer.from(f.bytes).equals(files['red-640x480.png']!))).toEqual([true])
    expect(media.hits('/customer/asset')).toBe(1)
  })
})
