import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startReceiver } from '../support/receiver.js'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai-server.js'
import { buildMetricsApp } from '../../src/api/metrics-route.js'
import type { FastifyInstance } from 'fastify'

const TOKEN = 'scrape-token-0123456789'
let h: Harness | null = null
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  await h?.close()
  h = null
  for (const c of cleanup.splice(0)) await c()
})

const listening = new WeakMap<object, string>()

/** `/metrics` scraped over real HTTP, as Prometheus does. */
async function scrape(harness: Harness | { app: FastifyInstance }, token: string | null = TOKEN): Promise<{ status: number; text: string }> {
  let base = listening.get(harness.app)
  if (!base) listening.set(harness.app, (base = await harness.app.listen({ host: '127.0.0.1', port: 0 })))
  const res = await fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, text: await res.text() }
}

/** The value of one sample, matching the given labels exactly; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3])
  }
  return undefined
}

const submit = (harness: Harness, auth: Record<string, string>, key: string, extra: Record<string, unknown> = {}) =>
  harness.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': key }, payload: { prompt: 'a quiet harbour at dawn', ...extra } })

describe('Prometheus /metrics', () => {
  it('is off by default (404), and with REELAY_METRICS=on refuses a missing or wrong token (401)', async () => {
    h = await createHarness()
    expect((await scrape(h)).status).toBe(404)
    await h.close()
    h = await createHarness({ env: { REELAY_METRICS: 'on', REELAY_METRICS_TOKEN: TOKEN } })
    const none = await scrape(h, null)
    expect(none.status).toBe(401)
    expect(JSON.parse(none.text).error.code).toBe('unauthorized')
    expect((await scrape(h, 'wrong-token-wrong-token')).status).toBe(401)
    expect((await scrape(h)).status).toBe(200)
    // What a `--role worker` process serves: the same registry, behind the same token.
    const worker = buildMetricsApp(h.rt.appDeps.metrics!, h.config)
    cleanup.push(() => worker.close())
    expect((await scrape({ app: worker }, null)).status).toBe(401)
    const scraped = await scrape({ app: worker })
    expect(scraped.status).toBe(200)
    expect(sample(scraped.text, 'reelay_lane_depth', { lane: 'polls' })).toBe(0)
  })

  it('counts HTTP by route pattern and status, lane depth and lag, webhook outcomes and ledger mismatches', async () => {
    const receiver = await startReceiver((_r, n) => (n === 1 ? 500 : 200))
    cleanup.push(() => receiver.close())
    h = await createHarness({ env: { REELAY_METRICS: 'on', REELAY_METRICS_TOKEN: TOKEN, REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_WEBHOOK_SCHEDULE: '1s' } })
    const c = await h.customer()
    const a = await submit(h, c.auth, 'm1', { webhookUrl: `${receiver.url}/hook` })
    const b = await submit(h, c.auth, 'm2')
    expect([a.statusCode, b.statusCode]).toEqual([202, 202])
    for (const id of [a.json().jobId, b.json().jobId, a.json().jobId]) await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: c.auth })
    await h.app.inject({ method: 'GET', url: '/no/such/route', headers: c.auth })
    await h.app.inject({ method: 'GET', url: '/v1/usage' })

    // Two jobs wait in the steps lane; the clock moves 5 s before anyone takes them.
    h.clock.advance(5_000)
    let m = (await scrape(h)).text
    expect(sample(m, 'reelay_lane_depth', { lane: 'steps' })).toBe(2)
    expect(sample(m, 'reelay_lane_depth', { lane: 'polls' })).toBe(0)
    expect(sample(m, 'reelay_lane_lag_seconds', { lane: 'steps' })).toBe(5)
    expect(sample(m, 'reelay_http_requests_total', { route: '/v1/images/generate', method: 'POST', status: '202' })).toBe(2)
    expect(sample(m, 'reelay_http_requests_total', { route: '/v1/jobs/:jobId', method: 'GET', status: '200' })).toBe(3)
    expect(sample(m, 'reelay_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1)
    expect(sample(m, 'reelay_http_requests_total', { route: '/v1/usage', method: 'GET', status: '401' })).toBe(1)
    expect(sample(m, 'reelay_http_request_duration_seconds_count', { route: '/v1/jobs/:jobId', method: 'GET' })).toBe(3)
    expect(m).not.toContain(a.json().jobId)
    expect(sample(m, 'reelay_ledger_mismatches')).toBe(0)

    await h.rt.worker.drain()
    await h.rt.dispatcher.drain()
    h.clock.advance(1_000)
    await h.rt.dispatcher.drain()
    expect(receiver.received).toHaveLength(2)
    // A cached balance that drifted from its ledger, as `reelay doctor` would report it.
    const { balance } = await h.rt.store.db.selectFrom('accounts').select('balance').where('id', '=', c.account.id).executeTakeFirstOrThrow()
    await h.rt.store.db.updateTable('accounts').set({ balance: c.account.balance + 7 }).where('id', '=', c.account.id).execute()
    h.clock.advance(60_000)
    m = (await scrape(h)).text
    expect(sample(m, 'reelay_lane_depth', { lane: 'steps' })).toBe(0)
    expect(sample(m, 'reelay_lane_lag_seconds', { lane: 'steps' })).toBe(0)
    expect(sample(m, 'reelay_webhook_deliveries_total', { outcome: 'retry' })).toBe(1)
    expect(sample(m, 'reelay_webhook_deliveries_total', { outcome: 'delivered' })).toBe(1)
    expect(sample(m, 'reelay_ledger_mismatches')).toBe(1)
    expect(sample(m, 'reelay_http_requests_total', { route: '/metrics', method: 'GET', status: '200' })).toBe(1)
    // Undo the drift: the harness checks the ledger of every file's database when it closes.
    await h.rt.store.db.updateTable('accounts').set({ balance }).where('id', '=', c.account.id).execute()
  })

  it('reports upstream latency, error kinds and breaker state per channel', async () => {
    const fake: FakeOpenAi = await startFakeOpenAi()
    cleanup.push(() => fake.close())
    const dir = mkdtempSync(path.join(tmpdir(), 'metrics-channels-'))
    const file = path.join(dir, 'channels.json')
    writeFileSync(file, JSON.stringify({ channels: [{ id: 'oai', provider: 'openai', baseUrl: fake.url, apiKeyEnv: 'OAI_KEY', models: { 'gpt-image-2': 'gpt-image-2' } }] }))
    h = await createHarness({ env: { REELAY_METRICS: 'open', REELAY_CHANNELS_FILE: file, OAI_KEY: fake.apiKey } })
    const c = await h.customer()
    let m = (await scrape(h, null)).text
    expect(sample(m, 'reelay_breaker_state', { channel: 'oai' })).toBe(0)

    expect((await submit(h, c.auth, 'u1', { model: 'gpt-image-2' })).statusCode).toBe(202)
    await h.rt.worker.drain()
    // A rejected key is a configuration error: the job fails and the breaker opens at once.
    fake.script({ kind: 'raw', status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }) })
    expect((await submit(h, c.auth, 'u2', { model: 'gpt-image-2' })).statusCode).toBe(202)
    await h.rt.worker.drain()
    m = (await scrape(h, null)).text
    expect(sample(m, 'reelay_upstream_request_duration_seconds_count', { channel: 'oai', op: 'submit' })).toBe(2)
    expect(sample(m, 'reelay_upstream_errors_total', { channel: 'oai', kind: 'config' })).toBe(1)
    expect(sample(m, 'reelay_breaker_state', { channel: 'oai' })).toBe(2)
  })
})
