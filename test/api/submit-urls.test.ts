import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledger } from '../../src/ledger/ledger.js'
import { createHarness, type Harness } from '../support/harness.js'
import { mediaFixtures } from '../support/media-server.js'

// A public https REELAY_PUBLIC_URL: URLs on it pass the ordinary SSRF policy, so only the
// self-link rule stands between a customer and the server's own internal routes.
const PUB = 'https://reelay.example.com'

let h: Harness
type Customer = Awaited<ReturnType<Harness['customer']>>
let me: Customer
let other: Customer
let myJob: string
let otherJob: string
/** A real image: references are fetched and checked at submit, so a stand-in would be refused. */
let png: Buffer
beforeAll(async () => {
  // Hundreds of requests from one account: a plan that neither rate-limits nor caps them.
  const prices = path.join(mkdtempSync(path.join(tmpdir(), 'prices-')), 'prices.json')
  writeFileSync(prices, JSON.stringify({ plans: { bulk: { name: 'Bulk', requestsPerMinute: 100_000, maxActiveJobs: 1_000, monthlyCreditQuota: null } } }))
  h = await createHarness({ env: { REELAY_PUBLIC_URL: PUB, REELAY_SYNC_WAIT_MS: '0', REELAY_PRICES_FILE: prices } })
  me = await h.customer(1_000_000, 'bulk')
  other = await h.customer(1_000_000, 'bulk')
  const submit = async (c: Customer) => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': randomUUID() }, payload: { prompt: 'a lighthouse at dusk' } })
    return (res.json() as { jobId: string }).jobId
  }
  png = (await mediaFixtures())['red-640x480.png']!
  myJob = await submit(me)
  otherJob = await submit(other)
  // Rendered, so a signed link to its result points at a stored file.
  await h.rt.worker.drain()
})
afterAll(() => h.close())

const nowSec = () => Math.floor(h.clock.now() / 1000)
const link = (key: string, expires = nowSec() + 3600) => h.rt.storage.url(key, expires)
/** A stored upload of `c` (a row and an object), as an image edit makes one. */
const uploadOf = (c: Customer) =>
  h.rt.jobs.uploads.put(c.account.id, { bytes: png }, { bytes: png.length, sha256: createHash('sha256').update(png).digest('hex'), ext: 'png', mime: 'image/png' })
const myUpload = () => uploadOf(me)

/** Each must be refused wherever a URL is taken. */
const refused: Record<string, () => string | Promise<string>> = {
  'an internal route': () => `${PUB}/internal/callbacks/studio`,
  'dot-dot traversal out of /files/': () => `${PUB}/files/../internal/callbacks/studio`,
  'percent-encoded traversal': () => `${PUB}/files/%2e%2e/internal/callbacks/studio`,
  'upper-case percent-encoded traversal': () => `${PUB}/files/%2E%2E/%2E%2E/internal/callbacks/studio`,
  'double-encoded traversal': () => `${PUB}/files/%252e%252e/internal/callbacks/studio`,
  backslashes: () => `${PUB}/files\\..\\internal\\callbacks\\studio`,
  'traversal inside a signed-looking link': async () => `${PUB}/files/${await myUpload()}/../../internal/callbacks/studio?expires=${nowSec() + 60}&signature=x`,
  'an unsigned file link': async () => `${PUB}/files/${await myUpload()}`,
  'a signed link to an upload that does not exist': () => link(`uploads/${randomUUID()}.png`),
  "another account's signed upload": async () => link(await uploadOf(other)),
  "another account's signed result": () => link(`results/${otherJob}/0.png`),
  'an expired signed link': async () => link(await myUpload(), nowSec() - 1),
  'a tampered signature': async () => link(await myUpload()).replace(/signature=(.)/, (_m, c: string) => `signature=${c === 'A' ? 'B' : 'A'}`),
  "a signed link with another account's key swapped in": async () => link(await myUpload()).replace(/uploads\/[^?]+/, await uploadOf(other)),
  'the same host in capitals on the default port': () => `HTTPS://REELAY.EXAMPLE.COM:443/internal/callbacks/studio`,
}

type Shape = 'native' | 'tasks' | 'jobs' | 'open' | 'openai'
interface EntryPoint {
  method: 'POST' | 'PUT'
  url: string
  shape: Shape
  /** The field named in the 400. */
  field: string
  body(u: string): object
  /** Webhook targets never accept a link to this server, signed or not. */
  webhook?: boolean
}

const entryPoints: Record<string, EntryPoint> = {
  'native referenceImage': { method: 'POST', url: '/v1/images/generate', shape: 'native', field: 'referenceImage[0]', body: (u) => ({ prompt: 'a red fox', referenceImage: u }) },
  'native video referenceImage': { method: 'POST', url: '/v1/videos/generate', shape: 'native', field: 'referenceImage', body: (u) => ({ prompt: 'a red fox', duration: 5, referenceImage: u }) },
  'native webhookUrl': { method: 'POST', url: '/v1/images/generate', shape: 'native', field: 'webhookUrl', webhook: true, body: (u) => ({ prompt: 'a red fox', webhookUrl: u }) },
  'per-key default webhook URL': { method: 'PUT', url: '/v1/webhook', shape: 'native', field: 'url', webhook: true, body: (u) => ({ url: u }) },
  '001 image_url': { method: 'POST', url: '/api/v1/video/seedance', shape: 'tasks', field: 'image_url', body: (u) => ({ mode: 'image-to-video', prompt: 'a red fox runs', image_url: u }) },
  '001 imageUrls': { method: 'POST', url: '/api/v1/image/gpt-image-2', shape: 'tasks', field: 'imageUrls[0]', body: (u) => ({ type: 'image-to-image', prompt: 'a red fox', resolution: '1K', aspectRatio: '1:1', imageUrls: [u] }) },
  '002 callBackUrl': { method: 'POST', url: '/api/v1/jobs/createTask', shape: 'jobs', field: 'callBackUrl', webhook: true, body: (u) => ({ model: 'seedance2', callBackUrl: u, inputs: { prompt: 'a red fox runs' } }) },
  '002 urls': { method: 'POST', url: '/api/v1/jobs/createTask', shape: 'jobs', field: 'inputs.urls[0]', body: (u) => ({ model: 'seedance2', inputs: { prompt: 'a red fox runs', urls: [u] } }) },
  '004 imageUrl': { method: 'POST', url: '/api/open/v1/video/generations', shape: 'open', field: 'imageUrl', body: (u) => ({ prompt: 'a red fox runs', imageUrl: u }) },
  '004 webhookUrl': { method: 'POST', url: '/api/open/v1/video/generations', shape: 'open', field: 'webhookUrl', webhook: true, body: (u) => ({ prompt: 'a red fox runs', webhookUrl: u }) },
  'OpenAI edit image_url': { method: 'POST', url: '/v1/images/edits', shape: 'openai', field: 'images[0].image_url', body: (u) => ({ model: 'gpt-image-2', prompt: 'make it snow', images: [{ image_url: u }] }) },
  'OpenAI video input_reference': { method: 'POST', url: '/v1/videos', shape: 'openai', field: 'input_reference', body: (u) => ({ prompt: 'a red fox runs', input_reference: u }) },
}

function send(e: EntryPoint, c: Customer, u: string) {
  return h.app.inject({ method: e.method, url: e.url, headers: { ...c.auth, 'idempotency-key': randomUUID() }, payload: e.body(u) })
}

function expectDialect400(shape: Shape, body: Record<string, any>, field: string): void {
  switch (shape) {
    case 'native':
      expect(body).toMatchObject({ ok: false, error: { code: 'invalid_request', field, requestId: expect.any(String) } })
      break
    case 'tasks':
      expect(body).toMatchObject({ error: { code: 'invalid_request', field, requestId: expect.any(String) } })
      break
    case 'jobs':
      expect(body).toMatchObject({ code: 'invalid_request', status: 400, field, error: expect.any(String) })
      break
    case 'open':
      expect(body).toMatchObject({ success: false, error: { code: 'invalid_request', field } })
      break
    case 'openai':
      expect(body).toMatchObject({ error: { type: 'invalid_request_error', param: field } })
      break
  }
}

async function charges(c: Customer) {
  const f = await ledger.figures(h.rt.store.db, c.account.id)
  const jobs = await h.rt.store.db.selectFrom('jobs').select('id').where('accountId', '=', c.account.id).execute()
  return { balance: f?.balance, reserved: f?.reserved, jobs: jobs.length }
}

describe('submit-time URL rule: links to this server', () => {
  const cases = Object.entries(entryPoints).flatMap(([ep, e]) => Object.entries(refused).map(([name, url]) => [`${ep}: ${name}`, e, url] as const))

  it.each(cases)('%s → 400 in the dialect shape, nothing charged', async (_name, e, url) => {
    const before = await charges(me)
    const res = await send(e, me, await url())
    expect(res.statusCode).toBe(400)
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
    expectDialect400(e.shape, res.json(), e.field)
    expect(await charges(me)).toEqual(before)
  })

  const references = Object.entries(entryPoints).filter(([, e]) => !e.webhook)

  it.each(references)('%s accepts a valid signed link to an upload of this account', async (_name, e) => {
    const before = await charges(me)
    const res = await send(e, me, link(await myUpload()))
    // The image edit answers 504 "still generating" at once here (REELAY_SYNC_WAIT_MS=0).
    expect(res.statusCode < 300 || res.statusCode === 504, res.body).toBe(true)
    const after = await charges(me)
    expect(after.jobs).toBe(before.jobs + 1)
    expect(after.reserved).toBeGreaterThan(before.reserved ?? 0)
  })

  it("accepts a valid signed link to one of this account's own results", async () => {
    const res = await send(entryPoints['native referenceImage']!, me, link(`results/${myJob}/0.png`))
    expect(res.statusCode, res.body).toBe(202)
  })

  it.each(Object.entries(entryPoints).filter(([, e]) => e.webhook))('%s refuses even a valid signed link: webhooks never target this server', async (_name, e) => {
    const res = await send(e, me, link(await myUpload()))
    expect(res.statusCode).toBe(400)
    expectDialect400(e.shape, res.json(), e.field)
  })

  it('a URL on another host still meets the normal policy', async () => {
    const e = entryPoints['native referenceImage']!
    // Past the URL rule, so it is fetched; nothing answers there (only loopback is reachable).
    const elsewhere = await send(e, me, 'https://cdn.example.org/files/../a.png')
    expect(elsewhere.statusCode).toBe(400)
    expect(elsewhere.json().error.code).toBe('reference_unavailable')
    const res = await send(e, me, 'http://127.0.0.1:8080/files/a.png')
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain('https')
  })
})
