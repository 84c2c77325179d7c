import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai-server.js'

/**
 * Regions over real upstream adapters: two OpenAI-compatible fakes, one per region, the
 * "far" one with the better priority, so only the region preference can explain where a job
 * goes.
 */
let h: Harness | undefined
const fakes: FakeOpenAi[] = []
afterEach(async () => {
  await h?.close()
  for (const f of fakes.splice(0)) await f.close()
  h = undefined
})

async function setup(env: Record<string, string> = {}) {
  const us = await startFakeOpenAi()
  const ap = await startFakeOpenAi()
  fakes.push(us, ap)
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'regions-')), 'channels.json')
  const channel = (id: string, fake: FakeOpenAi, region: string, priority: number) => ({
    id,
    provider: 'openai',
    baseUrl: fake.url,
    apiKeyEnv: `KEY_${id.toUpperCase().replace('-', '_')}`,
    models: { 'gpt-image-2': 'gpt-image-2' },
    region,
    priority,
    options: { timeoutMs: 2_000 },
  })
  writeFileSync(file, JSON.stringify({ channels: [channel('oai-ap', ap, 'ap-northeast', 1), channel('oai-us', us, 'us-east', 2)] }))
  h = await createHarness({ env: { REELAY_CHANNELS_FILE: file, KEY_OAI_AP: ap.apiKey, KEY_OAI_US: us.apiKey, REELAY_REGION: 'us-east', ...env } })
  const c = await h.customer(10_000, 'pro')
  return { us, ap, c }
}

async function submit(auth: Record<string, string>, key: string, extra: Record<string, unknown> = {}) {
  return h!.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': key }, payload: { prompt: 'a red kite', model: 'gpt-image-2', ...extra } })
}

async function placed(id: string) {
  return h!.rt.store.db.selectFrom('jobs').select(['status', 'channel', 'region']).where('id', '=', id).executeTakeFirstOrThrow()
}

describe('regional routing', () => {
  it("runs a job in the node's region, the account's default region, or the one the request names, before any better-priority channel elsewhere", async () => {
    const { c } = await setup()
    const node = await submit(c.auth, 'node')
    expect(node.statusCode, node.body).toBe(202)
    const asked = await submit(c.auth, 'asked', { region: 'ap-northeast' })
    await h!.rt.worker.drain()
    expect(await placed(node.json().jobId)).toEqual({ status: 'succeeded', channel: 'oai-us', region: 'us-east' })
    expect(await placed(asked.json().jobId)).toEqual({ status: 'succeeded', channel: 'oai-ap', region: 'ap-northeast' })

    await h!.rt.store.db.updateTable('accounts').set({ region: 'ap-northeast' }).where('id', '=', c.account.id).execute()
    h!.clock.advance(5_000) // past the auth cache
    const account = await submit(c.auth, 'account')
    await h!.rt.worker.drain()
    expect(await placed(account.json().jobId)).toEqual({ status: 'succeeded', channel: 'oai-ap', region: 'ap-northeast' })
  })

  it('fails over to another region when its own is down, keeping the job’s region, and GET /v1/regions shows it down', async () => {
    const { us, c } = await setup()
    await us.close()
    const ids: string[] = []
    // Five refused submits open the us-east breaker; every job still succeeds in ap-northeast.
    for (let i = 0; i < 6; i++) ids.push((await submit(c.auth, `down-${i}`)).json().jobId as string)
    await h!.rt.worker.drain()
    for (const id of ids) expect(await placed(id)).toEqual({ status: 'succeeded', channel: 'oai-ap', region: 'us-east' })
    const regions = await h!.app.inject({ method: 'GET', url: '/v1/regions', headers: c.auth })
    expect(regions.statusCode).toBe(200)
    expect(regions.json()).toEqual({
      ok: true,
      object: 'list',
      node: 'us-east',
      accountDefault: null,
      defaultForRequests: 'us-east',
      data: [
        { id: 'ap-northeast', object: 'region', status: 'healthy', channels: 1, healthyChannels: 1 },
        { id: 'us-east', object: 'region', status: 'down', channels: 1, healthyChannels: 0 },
      ],
    })
    // Channel names are the operator's: the listing shows none.
    expect(regions.body).not.toContain('oai-')
  })

  it('refuses a malformed or unknown region with a 400 naming the field, holding nothing', async () => {
    const { c, us, ap } = await setup()
    const bad = await submit(c.auth, 'bad', { region: 'US East' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'region', message: expect.stringContaining('lowercase') })
    const unknown = await submit(c.auth, 'unknown', { region: 'eu-west' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error).toMatchObject({ code: 'invalid_request', field: 'region', message: expect.stringContaining('ap-northeast, us-east') })
    expect((await h!.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 10_000, reserved: 0 })
    expect(us.requests.length + ap.requests.length).toBe(0)
  })

  it('GET /v1/regions needs an API key', async () => {
    await setup()
    const res = await h!.app.inject({ method: 'GET', url: '/v1/regions' })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })
})
