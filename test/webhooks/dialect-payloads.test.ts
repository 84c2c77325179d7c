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

async function setup() {
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
  const r = await startReceiver()
  closers.push(r.close)
  return { c: await h.customer(100_000, 'pro'), r }
}

async function settle() {
  await h.rt.worker.drain()
  await h.rt.dispatcher.drain()
}

describe('webhook payloads take the shape of the dialect that created the job', () => {
  it('002: callBackUrl receives the queryTask body', async () => {
    const { c, r } = await setup()
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: c.auth, payload: { model: 'seedance2', callBackUrl: `${r.url}/webhook/seedance`, inputs: { prompt: 'A cat playing piano', duration: '5s' } } })
    const { taskId } = res.json()
    await settle()
    expect(r.received).toHaveLength(1)
    const body = JSON.parse(r.received[0]!.body)
    const query = (await h.app.inject({ method: 'GET', url: `/api/v1/jobs/queryTask?taskId=${taskId}`, headers: c.auth })).json()
    expect(body).toMatchObject({ taskId, model: 'seedance2', status: 'COMPLETED', creditsUsed: 200, error: null })
    expect(Object.keys(body).sort()).toEqual(Object.keys(query).sort())
    expect(body.output[0]).toMatchObject({ width: 1280, height: 720 })
  })

  it('004: webhookUrl receives {success, requestId, status, output:{type,url}, error} signed with x-seedance-signature', async () => {
    const { c, r } = await setup()
    const res = await h.app.inject({ method: 'POST', url: '/api/open/v1/video/generations', headers: c.auth, payload: { prompt: 'a lighthouse in a storm', duration: 4, webhookUrl: r.url } })
    const { requestId } = res.json()
    await settle()
    const got = r.received[0]!
    const body = JSON.parse(got.body)
    expect(body).toEqual({ success: true, requestId, status: 'succeeded', output: { type: 'video', url: expect.stringContaining('/files/results/') }, error: null })
    const secret = (await h.app.inject({ method: 'GET', url: '/v1/webhook', headers: c.auth })).json().secret
    expect(() => verifyWebhook(secret, got.body, got.headers as Record<string, string>, { nowSec: Math.floor(h.clock.now() / 1000) })).not.toThrow()
    expect(got.headers['x-seedance-signature']).toMatch(/^[0-9a-f]{64}$/)
  })

  it('a key default URL serves every dialect, each in its own shape', async () => {
    const { c, r } = await setup()
    await h.app.inject({ method: 'PUT', url: '/v1/webhook', headers: c.auth, payload: { url: r.url } })
    await h.app.inject({ method: 'POST', url: '/api/v1/image/gpt-image-2', headers: { ...c.auth, 'idempotency-key': 'wh-tasks' }, payload: { type: 'text-to-image', prompt: 'a red kite over a beach', resolution: '1K', aspectRatio: '1:1' } })
    await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'wh-native' }, payload: { prompt: 'a red kite over a beach' } })
    await settle()
    const bodies = r.received.map((x) => JSON.parse(x.body))
    expect(bodies).toHaveLength(2)
    expect(bodies.find((b) => b.id?.startsWith('sd2_'))).toMatchObject({ status: 'completed', model: 'gpt-image-2', output: { image_urls: [expect.any(String)] } })
    expect(bodies.find((b) => b.type === 'job.succeeded')).toMatchObject({ data: { status: 'succeeded', type: 'image' } })
  })

  it('002: a failing callback is tried 4 times (then 1 s, 5 s, 30 s later) and marked failed; 000 keeps its longer schedule', async () => {
    h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
    const r = await startReceiver(() => 500)
    closers.push(r.close)
    const c = await h.customer(100_000, 'pro')
    await h.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: c.auth, payload: { model: 'seedance2', callBackUrl: `${r.url}/jobs`, inputs: { prompt: 'A cat playing piano', duration: '4s' } } })
    await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'wh-native-500' }, payload: { prompt: 'a red kite over a beach', webhookUrl: `${r.url}/native` } })
    await settle()
    const tries = (path: string) => r.received.filter((x) => x.path === path).length
    expect([tries('/jobs'), tries('/native')]).toEqual([1, 1])
    for (const [waitMs, jobs] of [[999, 1], [1, 2], [5_000, 3], [30_000, 4], [24 * 3_600_000, 4]] as const) {
      h.clock.advance(waitMs)
      await h.rt.dispatcher.drain()
      expect(tries('/jobs')).toBe(jobs)
    }
    const rows = await h.rt.store.db.selectFrom('webhookDeliveries').select(['url', 'status', 'attempts']).execute()
    expect(rows.find((x) => x.url.endsWith('/jobs'))).toMatchObject({ status: 'failed', attempts: 4 })
    // The native job follows REELAY_WEBHOOK_SCHEDULE (9 retries), so it was tried more than 4 times.
    expect(tries('/native')).toBeGreaterThan(4)
  })
})
