import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai-server.js'

let h: Harness
let fake: FakeOpenAi
afterEach(async () => {
  await h?.close()
  await fake?.close()
})

describe('reference URLs fetched at run time', () => {
  it('fails the job with reference_unavailable and releases the hold when a reference cannot be fetched safely', async () => {
    fake = await startFakeOpenAi()
    const dir = mkdtempSync(path.join(tmpdir(), 'channels-'))
    const file = path.join(dir, 'channels.json')
    writeFileSync(file, JSON.stringify({ channels: [{ id: 'oai', provider: 'openai', baseUrl: fake.url, apiKeyEnv: 'OAI_KEY', models: { 'gpt-image-2': 'gpt-image-2' } }] }))
    // Private URLs are not allowed: the guard must stop what the submit check could not see.
    h = await createHarness({ env: { REELAY_CHANNELS_FILE: file, OAI_KEY: fake.apiKey } })
    const c = await h.customer(1_000)
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/images/generate',
      headers: { ...c.auth, 'idempotency-key': 'ref-1' },
      payload: { prompt: 'make it blue', referenceImage: 'https://reference.invalid/a.png' },
    })
    expect(res.statusCode).toBe(202)
    await h.rt.worker.drain()
    const job = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${res.json().jobId}`, headers: c.auth })).json()
    expect(job).toMatchObject({ status: 'failed', chargedCredits: 0, error: { code: 'reference_unavailable' } })
    expect(fake.requests).toHaveLength(0)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 1_000, reserved: 0 })
  })
})
