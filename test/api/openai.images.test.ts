import type { AddressInfo } from 'node:net'
import { PNG } from 'pngjs'
import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError, type Provider } from '../../src/providers/provider.js'
import { singleProviderRouter } from '../../src/providers/registry.js'
import { imageDimensions } from '../../src/media/dimensions.js'
import { createHarness, type Harness, type HarnessOptions } from '../support/harness.js'
import { startMediaServer, type MediaServer } from '../support/media-server.js'

/** A listening Reelay with its worker loop running, and an SDK client factory. */
async function start(opts: HarnessOptions & { worker?: boolean } = {}) {
  const h = await createHarness(opts)
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  if (opts.worker !== false) h.rt.worker.start()
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 })
  return { h, base, client }
}
type Server = Awaited<ReturnType<typeof start>>

const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) })
function jpegSize(b: Buffer): { width: number; height: number } {
  let i = 2
  while (i < b.length) {
    const marker = b[i + 1]!
    const len = b.readUInt16BE(i + 2)
    if (marker >= 0xc0 && marker <= 0xc3) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) }
    i += 2 + len
  }
  throw new Error('no SOF marker')
}

function samplePng(width = 64, height = 48): Buffer {
  const png = new PNG({ width, height })
  for (let i = 0; i < png.data.length; i += 4) png.data.set([200, (i / 4) % 255, 40, 255], i)
  return PNG.sync.write(png)
}

const usageOf = async (s: Server, auth: Record<string, string>) => (await s.h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()
const nativeJob = async (s: Server, auth: Record<string, string>, id: string) => (await s.h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: auth })).json()
/** Result links point at REELAY_PUBLIC_URL; fetch their path from the test server. */
const download = (s: Server, url: string) => fetch(`${s.base}${new URL(url).pathname}${new URL(url).search}`)

describe('OpenAI images through the official SDK', () => {
  let s: Server
  let files: MediaServer
  beforeAll(async () => {
    // Reference URLs are fetched at submit, from real files on loopback.
    files = await startMediaServer()
    s = await start({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
  })
  afterAll(async () => {
    await s.h.close()
    await files.close()
  })

  it('images.generate returns a real base64 PNG of the requested size and charges the job price', async () => {
    const c = await s.h.customer(1_000)
    const res = await s.client(c.key).images.generate({ model: 'gpt-image-2', prompt: 'a red fox in fresh snow', size: '1024x1024' })
    expect(res).toMatchObject({
      created: expect.any(Number),
      output_format: 'png',
      quality: 'low',
      size: '1024x1024',
      background: 'opaque',
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0, input_tokens_details: { image_tokens: 0, text_tokens: 0 } },
    })
    expect(res.data).toHaveLength(1)
    expect(res.data![0]!.url).toBeUndefined()
    const png = Buffer.from(res.data![0]!.b64_json!, 'base64')
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(pngSize(png)).toEqual({ width: 1024, height: 1024 })
    expect(Math.abs(res.created! - Date.now() / 1000)).toBeLessThan(60)
    expect(await usageOf(s, c.auth)).toMatchObject({ balance: 980, reserved: 0 })
  })

  it('maps size, quality, output_format and n; the size answered is the real output size', async () => {
    const c = await s.h.customer(1_000)
    const res = await s.client(c.key).images.generate({ prompt: 'a lighthouse at dusk', size: '1536x1024', quality: 'medium', output_format: 'jpeg', n: 2 })
    const expected = imageDimensions('1K', '3:2')
    expect(res).toMatchObject({ output_format: 'jpeg', quality: 'medium', size: `${expected.width}x${expected.height}` })
    expect(res.data).toHaveLength(2)
    for (const d of res.data!) {
      const jpg = Buffer.from(d.b64_json!, 'base64')
      expect(jpg.subarray(0, 3).toString('hex')).toBe('ffd8ff')
      expect(jpegSize(jpg)).toEqual(expected)
    }
    // 2 images × 20 credits × 2 (MEDIUM)
    expect(await usageOf(s, c.auth)).toMatchObject({ balance: 920, reserved: 0 })
  })

  it.each([
    ['auto', 'auto', '1K', 20],
    ['1024x1536', '2:3', '1K', 20],
    ['2048x2048', '1:1', '2K', 40],
    ['3840x2160', '16:9', '4K', 80],
    ['1600x896', '16:9', '1K', 20],
  ])('size %s → aspect %s at %s', async (size, ratio, resolution, price) => {
    const c = await s.h.customer(1_000)
    const { data, response } = await s.client(c.key).images.generate({ prompt: 'a quiet harbour', size }).withResponse()
    const job = await nativeJob(s, c.auth, response.headers.get('x-reelay-job-id')!)
    expect(job).toMatchObject({ status: 'succeeded', model: 'gpt-image-2', chargedCredits: price })
    const params = (await s.h.rt.jobs.get(c.account.id, job.jobId))!.params
    expect(params).toMatchObject({ aspectRatio: ratio, resolution })
    const d = imageDimensions(resolution as '1K', ratio)
    expect(data.size).toBe(`${d.width}x${d.height}`)
    expect(pngSize(Buffer.from(data.data![0]!.b64_json!, 'base64'))).toEqual(d)
  })

  it('response_format url returns signed links that download the PNG', async () => {
    const c = await s.h.customer(1_000)
    const res = await s.client(c.key).images.generate({ prompt: 'a paper boat on a pond', response_format: 'url' })
    expect(res.data![0]!.b64_json).toBeUndefined()
    const file = await download(s, res.data![0]!.url!)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(pngSize(Buffer.from(await file.arrayBuffer()))).toEqual({ width: 1024, height: 1024 })
  })

  it('accepts OpenAI image model names (gpt-image-1, gpt-image-1.5, chatgpt-image-latest) as gpt-image-2, and our own ids', async () => {
    const c = await s.h.customer(1_000)
    for (const model of ['gpt-image-1', 'gpt-image-1.5', 'chatgpt-image-latest', 'nano-banana-pro']) {
      const { response } = await s.client(c.key).images.generate({ model, prompt: 'a small green cactus', moderation: 'low', user: 'end-user-1', background: 'auto' }).withResponse()
      const job = await nativeJob(s, c.auth, response.headers.get('x-reelay-job-id')!)
      expect(job.model).toBe(model === 'nano-banana-pro' ? 'nano-banana-pro' : 'gpt-image-2')
    }
  })

  it('passes an Idempotency-Key through: a retry returns the same job and charges once', async () => {
    const c = await s.h.customer(1_000)
    const client = s.client(c.key)
    const body = { prompt: 'a teapot shaped like a whale' }
    const a = await client.images.generate(body, { headers: { 'Idempotency-Key': 'img-retry-1' } }).withResponse()
    const b = await client.images.generate(body, { headers: { 'Idempotency-Key': 'img-retry-1' } }).withResponse()
    expect(b.response.headers.get('x-reelay-job-id')).toBe(a.response.headers.get('x-reelay-job-id'))
    expect(b.data.data![0]!.b64_json).toBe(a.data.data![0]!.b64_json)
    expect(await usageOf(s, c.auth)).toMatchObject({ balance: 980 })
    // Without a key every call is a new job.
    const c2 = await client.images.generate(body).withResponse()
    expect(c2.response.headers.get('x-reelay-job-id')).not.toBe(a.response.headers.get('x-reelay-job-id'))
    expect(await usageOf(s, c.auth)).toMatchObject({ balance: 960 })
  })

  it('images.edit uploads the file, stores it and references it from the job', async () => {
    const c = await s.h.customer(1_000)
    const src = samplePng()
    const res = await s.client(c.key).images.edit({
      image: await toFile(src, 'input.png', { type: 'image/png' }),
      prompt: 'make it look like a watercolour painting',
      size: '1024x1024',
      quality: 'high',
    }).withResponse()
    expect(res.data).toMatchObject({ output_format: 'png', quality: 'high', size: '1024x1024' })
    expect(pngSize(Buffer.from(res.data.data![0]!.b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024 })
    const job = (await s.h.rt.jobs.get(c.account.id, res.response.headers.get('x-reelay-job-id')!))!
    const refs = (job.params as { referenceImageUrls: string[] }).referenceImageUrls
    expect(refs).toHaveLength(1)
    expect(new URL(refs[0]!).pathname).toMatch(/^\/files\/uploads\/[0-9a-f-]{36}\.png$/)
    const stored = await download(s, refs[0]!)
    expect(stored.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await stored.arrayBuffer()).equals(src)).toBe(true)
    expect(await usageOf(s, c.auth)).toMatchObject({ balance: 920 })
  })

  it('images.edit takes several images (sent as image[]) in order', async () => {
    const c = await s.h.customer(1_000)
    const a = samplePng(32, 32)
    const b = samplePng(16, 64)
    const res = await s.client(c.key).images.edit({
      image: [await toFile(a, 'a.png', { type: 'image/png' }), await toFile(b, 'b.png', { type: 'image/png' })],
      prompt: 'put both objects on one table',
      n: 2,
    }).withResponse()
    expect(res.data.data).toHaveLength(2)
    const job = (await s.h.rt.jobs.get(c.account.id, res.response.headers.get('x-reelay-job-id')!))!
    const refs = (job.params as { referenceImageUrls: string[] }).referenceImageUrls
    expect(refs).toHaveLength(2)
    expect(Buffer.from(await (await download(s, refs[0]!)).arrayBuffer()).equals(a)).toBe(true)
    expect(Buffer.from(await (await download(s, refs[1]!)).arrayBuffer()).equals(b)).toBe(true)
  })

  it('images.edit also takes the JSON form with images[].image_url (a URL or a data: URL)', async () => {
    const c = await s.h.customer(1_000)
    const dataUrl = `data:image/png;base64,${samplePng().toString('base64')}`
    const res = await fetch(`${s.base}/v1/images/edits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' },
      body: files.seeded(JSON.stringify({ prompt: 'a brighter version', images: [{ image_url: dataUrl }, { image_url: 'https://example.com/ref.png' }] })),
    })
    expect(res.status).toBe(200)
    expect((await res.json()) as unknown).toMatchObject({ data: [{ b64_json: expect.any(String) }] })
    const job = (await s.h.rt.jobs.get(c.account.id, res.headers.get('x-reelay-job-id')!))!
    const refs = (job.params as { referenceImageUrls: string[] }).referenceImageUrls
    expect(refs[0]).toMatch(/\/files\/uploads\/.+\.png\?/)
    expect(refs[1]).toBe(files.seeded('https://example.com/ref.png'))
    // The same through the SDK, which sends it as multipart `images[][image_url]`.
    const viaSdk = await s.client(c.key).images.edit({ prompt: 'a brighter version', images: [{ image_url: files.seeded('https://example.com/a.png') }, { image_url: files.seeded('https://example.com/b.png') }] } as never).withResponse()
    const job2 = (await s.h.rt.jobs.get(c.account.id, viaSdk.response.headers.get('x-reelay-job-id')!))!
    expect((job2.params as { referenceImageUrls: string[] }).referenceImageUrls).toEqual([files.seeded('https://example.com/a.png'), files.seeded('https://example.com/b.png')])
  })

  it('runs the documented curl example as is', async () => {
    const c = await s.h.customer(1_000)
    const res = await fetch(`${s.base}/v1/images/generations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a cozy reading nook, soft morning light', size: '1536x1024', quality: 'low' }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: { b64_json: string }[]; size: string }
    expect(Object.keys(body).sort()).toEqual(['background', 'created', 'data', 'output_format', 'quality', 'size', 'usage'])
    expect(Buffer.from(body.data[0]!.b64_json, 'base64').subarray(1, 4).toString()).toBe('PNG')
    expect(res.headers.get('x-reelay-job-id')).toMatch(/^job_/)
  })

  it('models.list works through the native catalog route', async () => {
    const c = await s.h.customer()
    const ids: string[] = []
    for await (const m of s.client(c.key).models.list()) {
      expect(m).toMatchObject({ object: 'model', owned_by: 'reelay', created: expect.any(Number) })
      ids.push(m.id)
    }
    expect(ids).toEqual(expect.arrayContaining(['gpt-image-2', 'seedance-2.0', 'seedance-2.0-fast']))
  })
})

describe('OpenAI images: jobs that do not finish well', () => {
  it('answers 504 generation_pending with the job id when the image is not ready in time, and tells the SDK not to retry', async () => {
    const s = await start({ env: { REELAY_SYNC_WAIT_MS: '150' }, worker: false })
    try {
      const c = await s.h.customer(1_000)
      const err = await s.client(c.key).images.generate({ prompt: 'a slow sunrise' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(OpenAI.InternalServerError)
      const e = err as InstanceType<typeof OpenAI.InternalServerError>
      expect(e.status).toBe(504)
      expect(e.code).toBe('generation_pending')
      expect(e.type).toBe('server_error')
      expect(e.headers?.get('x-should-retry')).toBe('false')
      const jobId = e.headers?.get('x-reelay-job-id')
      expect(jobId).toMatch(/^job_/)
      expect(e.message).toContain(jobId!)
      // The job goes on and can be read natively; its hold is kept until it finishes.
      expect(await usageOf(s, c.auth)).toMatchObject({ reserved: 20 })
      await s.h.rt.worker.drain()
      expect(await nativeJob(s, c.auth, jobId!)).toMatchObject({ status: 'succeeded' })

      // With an Idempotency-Key a retry is safe: the SDK may retry, and the retry gets the same job.
      const first = (await s.client(c.key).images.generate({ prompt: 'another slow sunrise' }, { headers: { 'Idempotency-Key': 'slow-1' } }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
      expect(first.status).toBe(504)
      expect(first.headers?.get('x-should-retry')).toBe('true')
      await s.h.rt.worker.drain()
      const again = await s.client(c.key).images.generate({ prompt: 'another slow sunrise' }, { headers: { 'Idempotency-Key': 'slow-1' } }).withResponse()
      expect(again.response.headers.get('x-reelay-job-id')).toBe(first.headers?.get('x-reelay-job-id'))
      expect(again.data.data).toHaveLength(1)
    } finally {
      await s.h.close()
    }
  })

  it('maps a moderation refusal to 400 moderation_blocked without upstream detail, and releases the hold', async () => {
    const refusing: Provider = {
      name: 'refusing',
      // The upstream refuses at submit: the job fails at once with its public message.
      async submit() {
        throw new ProviderError('content_rejected', 'UPSTREAM-SECRET acme-vision flagged nsfw')
      },
      async get() {
        return { state: 'queued' }
      },
      async cancel() {},
    }
    const s = await start({ router: singleProviderRouter(refusing, { id: 'r', provider: 'refusing', baseUrl: 'local', apiKey: '', models: {}, options: {} }) })
    try {
      const c = await s.h.customer(1_000)
      const err = (await s.client(c.key).images.generate({ prompt: 'something not allowed' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
      expect(err).toBeInstanceOf(OpenAI.BadRequestError)
      expect(err.error).toEqual({ message: expect.stringContaining('safety system'), type: 'invalid_request_error', param: null, code: 'moderation_blocked' })
      expect(JSON.stringify(err.error)).not.toMatch(/UPSTREAM|acme/)
      expect(await usageOf(s, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    } finally {
      await s.h.close()
    }
  })

  it('maps a failed generation to a 500 server_error and charges nothing', async () => {
    const s = await start({ env: { REELAY_STUDIO_FAILURE_RATE: '1' } })
    try {
      const c = await s.h.customer(1_000)
      const err = (await s.client(c.key).images.generate({ prompt: 'doomed picture' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
      expect(err).toBeInstanceOf(OpenAI.InternalServerError)
      expect(err.status).toBe(500)
      expect(err.error).toMatchObject({ type: 'server_error', code: 'generation_failed', param: null })
      expect(JSON.stringify(err.error)).not.toContain('studio')
      expect(await usageOf(s, c.auth)).toMatchObject({ balance: 1_000, reserved: 0 })
    } finally {
      await s.h.close()
    }
  })
})
