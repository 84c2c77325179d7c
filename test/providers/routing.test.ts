import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { startFakeArk, type FakeArk } from '../support/fakes/ark-server.js'
import { writeArkChannels } from '../support/ark-channels.js'

let video: Uint8Array
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-video-'))
  const out = path.join(dir, 'v.mp4')
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
  execFileSync(ffmpeg, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', out])
  video = readFileSync(out)
})

let h: Harness
const fakes: FakeArk[] = []
afterEach(async () => {
  await h?.close()
  for (const f of fakes.splice(0)) await f.close()
})

async function setup(channels: { id: string; fake: FakeArk; priority: number; maxConcurrent?: number; timeoutMs?: number }[], extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'channels-'))
  const file = path.join(dir, 'channels.json')
  const env = { REELAY_CHANNELS_FILE: file, REELAY_ALLOW_PRIVATE_URLS: '1', ...writeArkChannels(file, channels) }
  h = await createHarness({ env: { ...env, ...extraEnv } })
  return h.customer(100_000, 'pro')
}

async function fake(): Promise<FakeArk> {
  const f = await startFakeArk({ video, getsPerStep: 1 })
  fakes.push(f)
  return f
}

const creates = (f: FakeArk) => f.requests.filter((r) => r.method === 'POST').length
const gets = (f: FakeArk) => f.requests.filter((r) => r.method === 'GET').length

async function submitVideo(auth: Record<string, string>, key: string) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...auth, 'idempotency-key': key }, payload: { prompt: 'a boat on a lake', model: 'seedance-2.0', duration: 5 } })
  expect(res.statusCode).toBe(202)
  return res.json().jobId as string
}

/** Runs the worker, moving the clock past each scheduled poll, until the job settles. */
async function runUntilSettled(auth: Record<string, string>, id: string) {
  for (let i = 0; i < 50; i++) {
    await h.rt.worker.drain()
    const job = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: auth })).json()
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job
    h.clock.advance(60_000)
  }
  throw new Error('job did not settle')
}

describe('routing over real upstream adapters', () => {
  it('polls many upstream tasks at once, however few render slots the worker has', async () => {
    const a = await fake()
    const c = await setup([{ id: 'only', fake: a, priority: 1, timeoutMs: 1_500 }], { REELAY_WORKER_CONCURRENCY: '1', REELAY_POLL_CONCURRENCY: '16' })
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push(await submitVideo(c.auth, `lanes-${i}`))
    await h.rt.worker.drain()
    expect(creates(a)).toBe(12)
    // Every status request now hangs: with one shared slot only one would ever be in flight.
    a.script('get', 'hang', { times: 12 })
    h.clock.advance(60_000)
    await h.rt.worker.tick()
    for (let i = 0; i < 200 && gets(a) < 12; i++) await new Promise((r) => setTimeout(r, 5))
    expect(gets(a)).toBe(12)
    // The hung polls end at the channel's timeout; once the upstream answers again, every job completes.
    await h.rt.worker.drain()
    for (const id of ids) expect((await runUntilSettled(c.auth, id)).status).toBe('succeeded')
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })

  it('fails over to the next channel when a submit is refused, without double submission, and polls only there', async () => {
    const a = await fake()
    const b = await fake()
    const c = await setup([{ id: 'primary', fake: a, priority: 1 }, { id: 'backup', fake: b, priority: 2 }])
    a.script('submit', 'server-error', { times: 10 })
    const id = await submitVideo(c.auth, 'failover-1')
    const job = await runUntilSettled(c.auth, id)
    expect(job.status).toBe('succeeded')
    expect(creates(b)).toBe(1)
    expect(b.tasks.size).toBe(1)
    expect(a.tasks.size).toBe(0)
    expect(gets(a)).toBe(0)
    expect(gets(b)).toBeGreaterThan(0)
    // The result is re-hosted: a signed link to our own copy.
    const result = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}/result`, headers: c.auth })).json()
    expect(result.outputs[0]).toMatchObject({ mimeType: 'video/mp4', width: 320, height: 180 })
    expect(result.outputs[0].url).toMatch(/\/files\/results\//)
    expect(result.outputs[0].url).not.toContain(b.origin)
    const file = await h.app.inject({ method: 'GET', url: new URL(result.outputs[0].url).pathname + new URL(result.outputs[0].url).search })
    expect(Buffer.compare(file.rawPayload, Buffer.from(video))).toBe(0)
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })

  it('opens the circuit on an auth failure and routes later jobs straight to the healthy channel', async () => {
    const a = await fake()
    const b = await fake()
    const c = await setup([{ id: 'primary', fake: a, priority: 1 }, { id: 'backup', fake: b, priority: 2 }])
    a.script('submit', 'unauthorized', { times: 100 })
    const first = await submitVideo(c.auth, 'breaker-1')
    await h.rt.worker.drain()
    expect(creates(a)).toBe(1)
    expect(creates(b)).toBe(1)
    // The breaker is open: the next job does not even try the failing channel.
    const second = await submitVideo(c.auth, 'breaker-2')
    await h.rt.worker.drain()
    expect(creates(a)).toBe(1)
    expect(creates(b)).toBe(2)
    expect((await runUntilSettled(c.auth, first)).status).toBe('succeeded')
    expect((await runUntilSettled(c.auth, second)).status).toBe('succeeded')
    // After the cool-down one probe goes back to the failing channel.
    h.clock.advance(30_000)
    await submitVideo(c.auth, 'breaker-3')
    await h.rt.worker.drain()
    expect(creates(a)).toBe(2)
  })

  it('never resubmits to another channel after an ambiguous timeout', async () => {
    const a = await fake()
    const b = await fake()
    const c = await setup([{ id: 'primary', fake: a, priority: 1 }, { id: 'backup', fake: b, priority: 2 }])
    a.script('submit', 'hang', { times: 1 })
    const id = await submitVideo(c.auth, 'ambiguous-1')
    await h.rt.worker.drain()
    const row = await h.rt.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'queued', channel: 'primary', submitUncertain: 1 })
    const job = await runUntilSettled(c.auth, id)
    expect(job.status).toBe('succeeded')
    expect(creates(b)).toBe(0)
  })

  it('fails a content rejection with a customer-safe message, releases the hold, and leaks no upstream detail', async () => {
    const a = await fake()
    const c = await setup([{ id: 'only', fake: a, priority: 1 }])
    a.script('submit', 'content-rejected')
    const id = await submitVideo(c.auth, 'reject-1')
    const job = await runUntilSettled(c.auth, id)
    expect(job).toMatchObject({ status: 'failed', chargedCredits: 0, error: { code: 'content_rejected' } })
    // Job ids are random base32 and may spell "ark": they are ours, so they are left out of the search.
    const text = (JSON.stringify(job) + JSON.stringify((await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}/result`, headers: c.auth })).json())).replaceAll(id, 'job_id')
    expect(text).not.toMatch(/ark|byteplus|volc|Sensitive|Request ID|only/i)
    expect(text).not.toContain(a.apiKey)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ reserved: 0, balance: 100_000 })
  })

  it('queues jobs on a saturated channel instead of failing them', async () => {
    const a = await fake()
    const c = await setup([{ id: 'small', fake: a, priority: 1, maxConcurrent: 1 }])
    const first = await submitVideo(c.auth, 'sat-1')
    const second = await submitVideo(c.auth, 'sat-2')
    await h.rt.worker.drain()
    const status = async (id: string) => (await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: c.auth })).json().status
    expect([await status(first), await status(second)].sort()).toEqual(['processing', 'queued'])
    expect(creates(a)).toBe(1)
    expect((await runUntilSettled(c.auth, first)).status).toBe('succeeded')
    expect((await runUntilSettled(c.auth, second)).status).toBe('succeeded')
    expect(creates(a)).toBe(2)
  })

  it('treats an upstream callback as a hint that makes the job due at once', async () => {
    const a = await fake()
    const c = await setup([{ id: 'cb', fake: a, priority: 1 }])
    const id = await submitVideo(c.auth, 'callback-1')
    await h.rt.worker.drain()
    const [task] = [...a.tasks.values()]
    expect(task?.callbackUrl).toContain('/internal/callbacks/cb')
    const before = await h.rt.store.db.selectFrom('jobs').select('nextRunAt').where('id', '=', id).executeTakeFirstOrThrow()
    expect(before.nextRunAt).toBeGreaterThan(h.clock.now())
    a.finish(task!.id)
    await a.settled()
    const cb = a.callbacks.at(-1)!
    const url = new URL(cb.url)
    const forged = await h.app.inject({ method: 'POST', url: `${url.pathname}?job=x&ark_token=wrong`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(cb.body) })
    expect(forged.statusCode).toBe(401)
    const res = await h.app.inject({ method: 'POST', url: url.pathname + url.search, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(cb.body) })
    expect(res.statusCode).toBe(200)
    const after = await h.rt.store.db.selectFrom('jobs').select('nextRunAt').where('id', '=', id).executeTakeFirstOrThrow()
    expect(after.nextRunAt).toBeLessThanOrEqual(h.clock.now())
    await h.rt.worker.drain()
    expect((await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: c.auth })).json().status).toBe('succeeded')
  })

  it('cancels the upstream task when the customer cancels, and releases the hold', async () => {
    const a = await fake()
    const c = await setup([{ id: 'only', fake: a, priority: 1 }])
    const id = await submitVideo(c.auth, 'cancel-up-1')
    await h.rt.worker.drain()
    const [task] = [...a.tasks.values()]
    expect(task?.status).toBe('queued')
    const res = await h.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel`, headers: c.auth })
    expect(res.statusCode).toBe(200)
    for (let i = 0; i < 100 && !a.requests.some((r) => r.method === 'DELETE'); i++) await new Promise((r) => setTimeout(r, 10))
    expect(a.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/api/v3/contents/generations/tasks/${task!.id}`])
    expect(a.tasks.get(task!.id)?.status).toBe('cancelled')
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ reserved: 0, balance: 100_000 })
  })
})
