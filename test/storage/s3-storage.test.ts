import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { buffer, text } from 'node:stream/consumers'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createS3Storage, presignGet, type S3Options } from '../../src/storage/s3-storage.js'
import { startSigV4Gateway } from './sigv4-gateway.js'

const dir = mkdtempSync(path.join(tmpdir(), 's3rver-'))
const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
let server: S3rver
let endpoint: string
let gateway: Awaited<ReturnType<typeof startSigV4Gateway>>

beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(dir, 'data'), configureBuckets: [{ name: 'reelay-test', configs: [] }] })
  const addr = await server.run()
  endpoint = `http://127.0.0.1:${addr.port}`
  gateway = await startSigV4Gateway({ target: endpoint, region: 'us-east-1', ...creds })
})
afterAll(async () => {
  await gateway?.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const storage = (over: Partial<S3Options> = {}, clock = { now: () => Date.now() }, tuning = {}) =>
  createS3Storage({ bucket: 'reelay-test', endpoint, region: 'us-east-1', ...creds, forcePathStyle: true, ...over }, clock, tuning)
const nowSec = () => Math.floor(Date.now() / 1000)
const read = async (r: { stream: Readable } | null) => buffer(r!.stream)

/** The SDK's presigned GetObject URL, for comparison with ours. */
async function sdkPresign(o: { endpoint?: string; region: string; forcePathStyle: boolean; bucket: string; key: string; expiresIn: number; signingDate: Date; accessKeyId: string; secretAccessKey: string }) {
  const client = new S3Client({
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  try {
    return await getSignedUrl(client, new GetObjectCommand({ Bucket: o.bucket, Key: o.key }), { expiresIn: o.expiresIn, signingDate: o.signingDate })
  } finally {
    client.destroy()
  }
}

describe('S3-compatible storage against s3rver', () => {
  const video = randomBytes(3 * 1024 * 1024 + 17)
  const file = path.join(dir, 'clip.mp4')

  it('uploads a real file (streamed) and bytes, and reports their sizes', async () => {
    writeFileSync(file, video)
    const s = storage()
    expect(await s.put('results/job_1/0.mp4', { path: file }, 'video/mp4')).toBe(video.length)
    expect(await s.put('results/job_1/1.png', { bytes: Buffer.from('png bytes') }, 'image/png')).toBe(9)
    expect((await read(await s.open('results/job_1/0.mp4'))).equals(video)).toBe(true)
    expect(await text((await s.open('results/job_1/1.png'))!.stream)).toBe('png bytes')
  })

  it('opens whole objects and ranges, always reporting the full size', async () => {
    const s = storage()
    const whole = await s.open('results/job_1/0.mp4')
    expect(whole?.size).toBe(video.length)
    whole!.stream.destroy()

    const head = await s.open('results/job_1/0.mp4', { start: 0, end: 99 })
    expect(head?.size).toBe(video.length)
    const first = await read(head)
    expect(first.length).toBe(100)
    expect(first.equals(video.subarray(0, 100))).toBe(true)

    const mid = await s.open('results/job_1/0.mp4', { start: 1_000_000, end: 1_000_009 })
    expect(mid?.size).toBe(video.length)
    expect((await read(mid)).equals(video.subarray(1_000_000, 1_000_010))).toBe(true)

    const tail = await s.open('results/job_1/0.mp4', { start: video.length - 5, end: video.length + 100 })
    expect((await read(tail)).equals(video.subarray(-5))).toBe(true)
  })

  it('answers an empty object and a range past the end like a file would: no bytes, the real size', async () => {
    const s = storage()
    await s.put('results/job_e/empty.txt', { bytes: new Uint8Array() }, 'text/plain')
    // The files route opens bytes 0-0 to learn the size.
    const probe = await s.open('results/job_e/empty.txt', { start: 0, end: 0 })
    expect(probe?.size).toBe(0)
    expect((await read(probe)).length).toBe(0)
    const past = await s.open('results/job_1/1.png', { start: 50, end: 60 })
    expect(past?.size).toBe(9)
    expect((await read(past)).length).toBe(0)
  })

  it('returns null for missing keys, deletes, and ignores deleting what is not there', async () => {
    const s = storage()
    expect(await s.open('results/nope/0.png')).toBeNull()
    expect(await s.open('results/nope/0.png', { start: 0, end: 0 })).toBeNull()
    await s.put('results/job_d/0.png', { bytes: Buffer.from('bye') }, 'image/png')
    await s.delete('results/job_d/0.png')
    expect(await s.open('results/job_d/0.png')).toBeNull()
    await s.delete('results/job_d/0.png')
    await s.delete('results/never-existed/0.png')
  })

  it('hands out presigned links that download the exact bytes and content type', async () => {
    const s = storage()
    const url = s.url('results/job_1/0.mp4', nowSec() + 600)
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toMatch(/^(599|600)$/)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('video/mp4')
    expect(Buffer.from(await res.arrayBuffer()).equals(video)).toBe(true)

    const png = await fetch(s.url('results/job_1/1.png', nowSec() + 600))
    expect(png.headers.get('content-type')).toBe('image/png')
    expect(await png.text()).toBe('png bytes')
  })

  it('makes links that s3rver refuses once expired (signed an hour ago, valid for 60 s)', async () => {
    const hourAgo = { now: () => Date.now() - 3_600_000 }
    const expired = storage({}, hourAgo).url('results/job_1/1.png', nowSec() - 3_540)
    expect(new URL(expired).searchParams.get('X-Amz-Expires')).toBe('60')
    const res = await fetch(expired)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('Request has expired')
  })

  it('clamps the link lifetime to 1 s .. 7 days', () => {
    const s = storage()
    expect(new URL(s.url('k', nowSec() + 30 * 86_400)).searchParams.get('X-Amz-Expires')).toBe('604800')
    expect(new URL(s.url('k', nowSec() - 10)).searchParams.get('X-Amz-Expires')).toBe('1')
  })

  it('refuses to presign without static credentials', () => {
    const s = createS3Storage({ bucket: 'reelay-test', endpoint, region: 'us-east-1', forcePathStyle: true })
    expect(() => s.url('k', nowSec() + 60)).toThrow(/REELAY_S3_ACCESS_KEY_ID/)
  })

  it('keeps every object under keyPrefix', async () => {
    const s = storage({ keyPrefix: '/tenant-a/' })
    await s.put('results/job_p/0.png', { bytes: Buffer.from('prefixed') }, 'image/png')
    expect(await text((await s.open('results/job_p/0.png'))!.stream)).toBe('prefixed')
    // Really stored at tenant-a/results/…, not at the bare key.
    expect(await storage().open('results/job_p/0.png')).toBeNull()
    expect(await text((await storage().open('tenant-a/results/job_p/0.png'))!.stream)).toBe('prefixed')
    const url = new URL(s.url('results/job_p/0.png', nowSec() + 60))
    expect(url.pathname).toBe('/reelay-test/tenant-a/results/job_p/0.png')
    expect(await (await fetch(url)).text()).toBe('prefixed')
    await s.delete('results/job_p/0.png')
    expect(await storage().open('tenant-a/results/job_p/0.png')).toBeNull()
  })

  it('creates its bucket when asked, and a second call is a no-op', async () => {
    const s = storage({ bucket: 'fresh-bucket' })
    expect(await s.open('k.txt')).toBeNull()
    await s.ensureBucket()
    await s.ensureBucket()
    await s.put('k.txt', { bytes: Buffer.from('hi') }, 'text/plain')
    expect(await text((await s.open('k.txt'))!.stream)).toBe('hi')
  })
})

describe('presigned links checked by a SigV4-verifying gateway', () => {
  // s3rver accepts any SigV4 signature; the gateway recomputes it with the SDK's presigner.
  const viaGateway = (clock?: { now(): number }) => storage({ endpoint: gateway.endpoint }, clock)

  it('s3rver alone does not verify signatures, which is why the gateway exists', async () => {
    const url = new URL(storage().url('results/job_1/1.png', nowSec() + 600))
    url.searchParams.set('X-Amz-Signature', '0'.repeat(64))
    expect((await fetch(url)).status).toBe(200)
  })

  it('accepts an untouched link and serves the exact bytes', async () => {
    const res = await fetch(viaGateway().url('results/job_1/1.png', nowSec() + 600))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(await res.text()).toBe('png bytes')
  })

  it('refuses a tampered signature, key, lifetime or credential', async () => {
    const good = viaGateway().url('results/job_1/1.png', nowSec() + 600)
    const tamper = async (edit: (u: URL) => void) => {
      const u = new URL(good)
      edit(u)
      const res = await fetch(u)
      return { status: res.status, body: await res.text() }
    }
    const sig = new URL(good).searchParams.get('X-Amz-Signature')!
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1)
    expect(await tamper((u) => u.searchParams.set('X-Amz-Signature', flipped))).toMatchObject({ status: 403, body: expect.stringContaining('SignatureDoesNotMatch') })
    expect(await tamper((u) => (u.pathname = u.pathname.replace('1.png', '0.mp4')))).toMatchObject({ status: 403, body: expect.stringContaining('SignatureDoesNotMatch') })
    expect(await tamper((u) => u.searchParams.set('X-Amz-Expires', '604800'))).toMatchObject({ status: 403, body: expect.stringContaining('SignatureDoesNotMatch') })
    expect(await tamper((u) => u.searchParams.set('X-Amz-Credential', u.searchParams.get('X-Amz-Credential')!.replace('us-east-1', 'eu-west-1')))).toMatchObject({ status: 403 })
    const wrongSecret = createS3Storage({ bucket: 'reelay-test', endpoint: gateway.endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret', forcePathStyle: true })
    expect((await fetch(wrongSecret.url('results/job_1/1.png', nowSec() + 600))).status).toBe(403)
  })

  it('refuses an expired link', async () => {
    const expired = viaGateway({ now: () => Date.now() - 3_600_000 }).url('results/job_1/1.png', nowSec() - 3_540)
    const res = await fetch(expired)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('AccessDenied')
  })
})

describe('uploads through a flaky endpoint', () => {
  it('retries a streamed file upload with a fresh stream after a 503', async () => {
    const file = path.join(dir, 'retry.mp4')
    const bytes = randomBytes(300_000)
    writeFileSync(file, bytes)
    const s = storage({ endpoint: gateway.endpoint }, undefined, { retryDelayMs: 1 })
    const before = gateway.seen.puts
    gateway.failNextPuts(2)
    expect(await s.put('results/job_r/0.mp4', { path: file }, 'video/mp4')).toBe(bytes.length)
    expect(gateway.seen.puts - before).toBe(3)
    expect((await read(await storage().open('results/job_r/0.mp4'))).equals(bytes)).toBe(true)
  })

  it('gives up after its attempts', async () => {
    const file = path.join(dir, 'retry2.mp4')
    writeFileSync(file, randomBytes(1000))
    const s = storage({ endpoint: gateway.endpoint }, undefined, { retryDelayMs: 1, uploadAttempts: 2 })
    gateway.failNextPuts(2)
    await expect(s.put('results/job_r/1.mp4', { path: file }, 'video/mp4')).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } })
    gateway.failNextPuts(0)
  })
})

describe('the hand-written SigV4 presigner', () => {
  const signingDate = new Date('2026-01-02T03:04:05Z')
  const cases: { name: string; endpoint?: string; region: string; forcePathStyle: boolean; bucket: string; key: string; expiresIn: number }[] = [
    { name: 'MinIO, path-style', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true, bucket: 'bucket', key: 'results/job_1/0.mp4', expiresIn: 600 },
    { name: 'AWS, virtual-hosted', region: 'eu-west-1', forcePathStyle: false, bucket: 'my-results', key: 'results/01J/0.png', expiresIn: 3600 },
    { name: 'AWS us-east-1, forced path-style', region: 'us-east-1', forcePathStyle: true, bucket: 'my-results', key: 'results/01J/0.png', expiresIn: 604_800 },
    { name: 'AWS, dotted bucket falls back to path-style', region: 'us-east-1', forcePathStyle: false, bucket: 'my.results', key: 'a.png', expiresIn: 1 },
    { name: 'R2, virtual-hosted, region auto', endpoint: 'https://acc123.r2.cloudflarestorage.com', region: 'auto', forcePathStyle: false, bucket: 'reelay', key: 'results/x/0.mp4', expiresIn: 900 },
    { name: 'endpoint with a base path and a default port', endpoint: 'https://Gateway.Example.com:443/s3/', region: 'us-east-1', forcePathStyle: true, bucket: 'b-1', key: 'k', expiresIn: 60 },
    { name: 'key needing encoding', endpoint: 'http://localhost:9000', region: 'us-east-1', forcePathStyle: true, bucket: 'bucket', key: "results/a b+c~d!'()*é&=?#%/ü.mp4", expiresIn: 60 },
    { name: 'key with empty segments', region: 'us-west-2', forcePathStyle: false, bucket: 'bucket', key: '/a//b/', expiresIn: 60 },
  ]
  for (const c of cases) {
    it(`produces the SDK's exact URL: ${c.name}`, async () => {
      const k = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
      const sdk = await sdkPresign({ ...c, ...k, signingDate })
      const ours = presignGet({ endpoint: c.endpoint ?? `https://s3.${c.region}.amazonaws.com`, bucket: c.bucket, key: c.key, region: c.region, ...k, forcePathStyle: c.forcePathStyle, expiresInSec: c.expiresIn, now: signingDate })
      expect(ours).toBe(sdk)
    })
  }

  it("Storage.url equals the SDK's URL for the same clock, expiry and prefix", async () => {
    const now = Date.parse('2026-03-04T05:06:07.890Z')
    const s = createS3Storage({ bucket: 'my-results', region: 'eu-central-1', ...creds, forcePathStyle: false, keyPrefix: 'prod' }, { now: () => now })
    const sdk = await sdkPresign({ region: 'eu-central-1', forcePathStyle: false, bucket: 'my-results', key: 'prod/results/j/0.png', expiresIn: 900, signingDate: new Date(now), ...creds })
    // The SDK signs whole seconds; 07.890 is signed as 07.
    expect(s.url('results/j/0.png', Math.floor(now / 1000) + 900)).toBe(sdk)
  })

  it('clamps lifetimes outside 1..604800', () => {
    const base = { endpoint: 'http://h', bucket: 'b', key: 'k', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 's', forcePathStyle: true, now: signingDate }
    expect(new URL(presignGet({ ...base, expiresInSec: 10_000_000 })).searchParams.get('X-Amz-Expires')).toBe('604800')
    expect(new URL(presignGet({ ...base, expiresInSec: -5 })).searchParams.get('X-Amz-Expires')).toBe('1')
    expect(new URL(presignGet({ ...base, expiresInSec: 59.9 })).searchParams.get('X-Amz-Expires')).toBe('59')
  })
})

describe('Reelay with S3 storage', () => {
  it('stores results in the bucket and answers presigned S3 links', async () => {
    const { createHarness } = await import('../support/harness.js')
    const h = await createHarness({
      env: { REELAY_S3_BUCKET: 'reelay-results', REELAY_S3_ENDPOINT: endpoint, REELAY_S3_ACCESS_KEY_ID: 'S3RVER', REELAY_S3_SECRET_ACCESS_KEY: 'S3RVER', REELAY_S3_FORCE_PATH_STYLE: '1' },
    })
    try {
      const c = await h.customer()
      const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 's3-1' }, payload: { prompt: 'a picture kept in a bucket' } })
      await h.rt.worker.drain()
      const result = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${res.json().jobId}/result`, headers: c.auth })).json()
      const url = new URL(result.outputs[0].url)
      expect(url.origin).toBe(endpoint)
      expect(url.pathname).toBe(`/reelay-results/results/${res.json().jobId}/0.png`)
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
      const file = await fetch(url)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe('image/png')
      expect(Buffer.from(await file.arrayBuffer()).subarray(0, 4).toString('hex')).toBe('89504e47')
    } finally {
      await h.close()
    }
  })
})
