import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { PNG } from 'pngjs'
import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { createHarness, type Harness, type HarnessOptions } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'

const MB = 1024 * 1024

async function start(env: Record<string, string>, opts: HarnessOptions = {}) {
  // Uploads are referenced by their signed URL on this (loopback) server; the worker is driven
  // by the test, so image edits answer 504 at once (REELAY_SYNC_WAIT_MS=0) and run on drain().
  const h = await createHarness({ ...opts, env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_SYNC_WAIT_MS: '0', ...env } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })
  return { h, base, client }
}

function png(padTo = 0): Buffer {
  const img = new PNG({ width: 16, height: 16 })
  img.data.fill(200)
  const bytes = PNG.sync.write(img)
  return padTo > bytes.length ? Buffer.concat([bytes, Buffer.alloc(padTo - bytes.length)]) : bytes
}

/** A first frame Seedance accepts (references are checked at submit: ≥ 400 px on the short side). */
function frame(): Buffer {
  const img = new PNG({ width: 640, height: 400 })
  img.data.fill(200)
  return PNG.sync.write(img)
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])
/** Upload objects in storage, upload rows, and spooled part files. */
async function kept(h: Harness) {
  const rows = await h.rt.store.db.selectFrom('uploads').selectAll().execute()
  return { objects: list(path.join(h.dir, 'files', 'uploads')), rows, spooled: list(path.join(h.dir, 'tmp', 'uploads')) }
}
async function nothingKept(h: Harness) {
  // Spooled parts are removed when the response closes, just after the client has it.
  await vi.waitFor(async () => expect(await kept(h)).toEqual({ objects: [], rows: [], spooled: [] }))
}
const usage = async (h: Harness, auth: Record<string, string>) => (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()
async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p
  } catch (err) {
    if (err instanceof OpenAI.APIError) return err
    throw err
  }
  throw new Error('expected the request to fail')
}

describe('multipart limits (2 MB a file, 3 MB a request)', () => {
  let s: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    s = await start({ REELAY_UPLOAD_MAX_PART_BYTES: String(2 * MB), REELAY_UPLOAD_MAX_TOTAL_BYTES: String(3 * MB) })
  })
  afterAll(async () => {
    expect(await ledgerViolations(s.h.rt.store)).toEqual([])
    await s.h.close()
  })

  it('refuses a file over the per-part limit with 413 in the OpenAI shape naming the field; nothing stored or charged', async () => {
    const c = await s.h.customer(1_000)
    const e = await failure(s.client(c.key).images.edit({ prompt: 'a cat on a mat', image: await toFile(png(2 * MB + 1), 'big.png') }))
    expect(e.status).toBe(413)
    expect(e.error).toEqual({ message: expect.stringMatching(/`image` must be at most 2 MB/), type: 'invalid_request_error', param: 'image', code: 'payload_too_large' })
    expect(await usage(s.h, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    await nothingKept(s.h)
  })

  it('refuses files that each fit but together pass the total limit with 413', async () => {
    const c = await s.h.customer(1_000)
    const images = [await toFile(png(1.6 * MB), 'a.png'), await toFile(png(1.6 * MB), 'b.png')]
    const e = await failure(s.client(c.key).images.edit({ prompt: 'a cat on a mat', image: images }))
    expect(e.status).toBe(413)
    expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large', message: expect.stringMatching(/total at most 3 MB/) })
    expect(await usage(s.h, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    await nothingKept(s.h)
  })

  it('refuses more image files than the model takes with 400 naming `image`, storing none of them', async () => {
    const c = await s.h.customer(1_000)
    const nine = await Promise.all(Array.from({ length: 9 }, (_, i) => toFile(png(), `${i}.png`)))
    // The SDK sends `model` before the files here, so the ninth file is refused as it arrives.
    const e = await failure(s.client(c.key).images.edit({ model: 'nano-banana-pro', prompt: 'a cat on a mat', image: nine }))
    expect(e.status).toBe(400)
    expect(e.error).toMatchObject({ type: 'invalid_request_error', param: 'image', message: expect.stringMatching(/`image` takes at most 8 files for nano-banana-pro/) })
    // With `model` after the files, the count is checked once the form is read, still before storing.
    const form = new FormData()
    for (let i = 0; i < 9; i++) form.append('image[]', new Blob([png()], { type: 'image/png' }), `${i}.png`)
    form.set('prompt', 'a cat on a mat')
    form.set('model', 'nano-banana-pro')
    const res = await fetch(`${s.base}/v1/images/edits`, { method: 'POST', headers: c.auth, body: form })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { param: 'image', message: expect.stringMatching(/at most 8 files/) } })
    expect(await usage(s.h, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    await nothingKept(s.h)
  })

  it('refuses a second input_reference file for a video with 400 naming the field', async () => {
    const c = await s.h.customer(1_000)
    const form = new FormData()
    form.set('prompt', 'a paper boat drifting')
    form.append('input_reference', new Blob([png()], { type: 'image/png' }), 'a.png')
    form.append('input_reference', new Blob([png()], { type: 'image/png' }), 'b.png')
    const res = await fetch(`${s.base}/v1/videos`, { method: 'POST', headers: c.auth, body: form })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'input_reference', message: expect.stringMatching(/takes one file/) } })
    await nothingKept(s.h)
  })

  it('a request refused after its upload was stored (no credits) keeps nothing and charges nothing', async () => {
    const c = await s.h.customer(0)
    const e = await failure(s.client(c.key).images.edit({ prompt: 'a cat on a mat', image: await toFile(png(), 'a.png') }))
    expect(e.status).toBe(429)
    expect(e.error).toMatchObject({ code: 'insufficient_quota' })
    expect(await usage(s.h, c.auth)).toMatchObject({ balance: 0, reserved: 0 })
    await nothingKept(s.h)
  })

  it('a body cut off inside a file part is a 400 naming the body, not a request that never answers', async () => {
    const c = await s.h.customer(1_000)
    const b = 'cut'
    const form = Buffer.concat([
      Buffer.from(
        `--${b}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na cat on a mat\r\n--${b}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png(4_000),
    ])
    const res = await s.h.app.inject({
      method: 'POST',
      url: '/v1/images/edits',
      headers: { ...c.auth, 'content-type': `multipart/form-data; boundary=${b}` },
      payload: form.subarray(0, form.length - 1_000),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ type: 'invalid_request_error', param: 'body' })
    expect(await usage(s.h, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    await nothingKept(s.h)
  })
})

describe('the body is streamed, not buffered', () => {
  it('answers 413 for a 30 MB upload over a 20 MB total once the limit is passed, before the rest is sent; nothing kept', async () => {
    const s = await start({ REELAY_UPLOAD_MAX_PART_BYTES: String(25 * MB), REELAY_UPLOAD_MAX_TOTAL_BYTES: String(20 * MB) })
    try {
      const c = await s.h.customer(1_000)
      const boundary = 'reelay-stream-test'
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na cat on a mat\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
      )
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
      const fileBytes = 30 * MB
      const { port } = s.h.app.server.address() as AddressInfo
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/images/edits',
        headers: { ...c.auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + fileBytes + tail.length) },
      })
      req.on('error', () => undefined)
      const answered = new Promise<{ status: number; body: string }>((resolve) => {
        req.on('response', (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (d: string) => (body += d))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        })
      })
      req.write(head)
      const chunk = Buffer.concat([png(), Buffer.alloc(MB - png().length)])
      // Only 22 of the promised 30 MB are ever sent: a server that waited for the whole body
      // would never answer, and this test would time out.
      for (let sent = 0; sent < 22 * MB; sent += MB) {
        if (!req.write(sent === 0 ? chunk : Buffer.alloc(MB))) await new Promise((r) => req.once('drain', r))
      }
      const res = await answered
      req.destroy()
      expect(res.status).toBe(413)
      expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'invalid_request_error', code: 'payload_too_large', param: 'image', message: expect.stringMatching(/total at most 20 MB/) } })
      expect(await usage(s.h, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
      await nothingKept(s.h)
    } finally {
      await s.h.close()
    }
  }, 30_000)
})

describe('uploads are deleted with their job, and swept', () => {
  let s: Awaited<ReturnType<typeof start>>
  const GRACE_MS = 600_000
  beforeAll(async () => {
    s = await start({ REELAY_UPLOAD_GRACE_SECONDS: String(GRACE_MS / 1000) })
  })
  afterAll(async () => {
    expect(await ledgerViolations(s.h.rt.store)).toEqual([])
    await s.h.close()
  })

  it('an input_reference upload belongs to its video job and is gone from storage once the video is deleted', async () => {
    const c = await s.h.customer(1_000)
    const video = await s.client(c.key).videos.create({ prompt: 'a paper boat drifting', input_reference: await toFile(frame(), 'frame.png') })
    const { objects, rows } = await kept(s.h)
    expect(objects).toHaveLength(1)
    expect(rows).toEqual([expect.objectContaining({ key: `uploads/${objects[0]}`, accountId: c.account.id, jobId: `job_${video.id.slice('video_'.length)}` })])
    await s.h.rt.worker.drain()
    await s.client(c.key).videos.delete(video.id)
    await nothingKept(s.h)
  })

  it('the uploads of a finished edit are kept for the grace period, then swept by the worker', async () => {
    const c = await s.h.customer(1_000)
    const form = new FormData()
    form.set('prompt', 'a brighter version')
    form.append('image', new Blob([png()], { type: 'image/png' }), 'a.png')
    const res = await fetch(`${s.base}/v1/images/edits`, { method: 'POST', headers: c.auth, body: form })
    expect(res.status).toBe(504)
    const jobId = res.headers.get('x-reelay-job-id')!
    await s.h.rt.worker.drain()
    expect((await s.h.rt.jobs.get(c.account.id, jobId))?.status).toBe('succeeded')
    s.h.clock.advance(GRACE_MS - 10_000)
    await s.h.rt.worker.drain()
    expect((await kept(s.h)).rows).toEqual([expect.objectContaining({ jobId })])
    s.h.clock.advance(20_000)
    await s.h.rt.worker.drain()
    await nothingKept(s.h)
  })

  it('spooled parts a killed process left behind are removed at the next start, by age', async () => {
    const spool = path.join(s.h.dir, 'tmp', 'uploads')
    const stale = path.join(spool, 'left-by-a-killed-process')
    const fresh = path.join(spool, 'another-process-is-writing-this')
    writeFileSync(stale, 'x')
    writeFileSync(fresh, 'x')
    const old = new Date(Date.now() - GRACE_MS - 60_000)
    utimesSync(stale, old, old)
    const app = await buildApp(s.h.rt.appDeps, { logger: false })
    try {
      await vi.waitFor(() => expect(list(spool)).toEqual(['another-process-is-writing-this']))
    } finally {
      await app.close()
      rmSync(fresh)
    }
  })

  it('an orphan upload (stored, then the process died before its job was created) is swept after the grace period', async () => {
    const c = await s.h.customer(1_000)
    const bytes = png()
    // What a request leaves behind when it dies between storing the upload and submitting.
    const key = await s.h.rt.jobs.uploads.put(c.account.id, { bytes }, { bytes: bytes.length, sha256: 'x'.repeat(64), ext: 'png', mime: 'image/png' })
    expect((await kept(s.h)).objects).toEqual([key.slice('uploads/'.length)])
    s.h.clock.advance(GRACE_MS - 10_000)
    await s.h.rt.worker.drain()
    expect((await kept(s.h)).objects).toEqual([key.slice('uploads/'.length)])
    s.h.clock.advance(20_000)
    await s.h.rt.worker.drain()
    await nothingKept(s.h)
  })
})
