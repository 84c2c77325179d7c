import { createHash, createHmac } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3'
import type { Storage } from './storage.js'

export interface S3Options {
  bucket: string
  /** For R2/MinIO; unset for AWS. */
  endpoint?: string | undefined
  region: string
  accessKeyId?: string | undefined
  secretAccessKey?: string | undefined
  forcePathStyle: boolean
  /** Prepended to every key as a folder (`prefix/results/…`); leading and trailing slashes are ignored. */
  keyPrefix?: string | undefined
  /** Where customers' presigned links point when it differs from `endpoint` (e.g. a CDN). */
  publicEndpoint?: string | undefined
}

/** The most SigV4 allows for a presigned URL: 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest()
// RFC 3986, as the SDK encodes S3 keys and query values.
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** Buckets the SDK addresses virtual-hosted (`bucket.host`); any other name goes path-style. */
const virtualHostable = (bucket: string) => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)

/**
 * SigV4 query presigning of a GetObject, written out because the Storage interface hands out
 * URLs synchronously and the SDK's presigner is async. It produces the same URL, byte for byte,
 * as `getSignedUrl(client, new GetObjectCommand(…), { expiresIn, signingDate })` (tested),
 * including the SDK's `X-Amz-Content-Sha256` and `x-id` parameters.
 */
export function presignGet(o: {
  /** `https://s3.<region>.amazonaws.com` for AWS. */
  endpoint: string
  bucket: string
  key: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  forcePathStyle: boolean
  /** Clamped to 1..604800. */
  expiresInSec: number
  now: Date
}): string {
  const base = new URL(o.endpoint)
  const pathStyle = o.forcePathStyle || !virtualHostable(o.bucket)
  const host = pathStyle ? base.host : `${o.bucket}.${base.host}`
  const basePath = base.pathname.replace(/\/$/, '')
  const path = `${basePath}${pathStyle ? `/${encode(o.bucket)}` : ''}/${o.key.split('/').map(encode).join('/')}`
  const amzDate = o.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const scope = `${day}/${o.region}/s3/aws4_request`
  const expires = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.floor(o.expiresInSec)))
  const params: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD'],
    ['X-Amz-Credential', `${o.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', 'host'],
    ['x-id', 'GetObject'],
  ]
  // Canonical order is by encoded name (byte order), so upper-case `X-Amz-*` sort before `x-id`.
  const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  const query = (ps: [string, string][]) => ps.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')
  const canonical = ['GET', path, query([...params].sort(byName)), `host:${host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n')
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${o.secretAccessKey}`, day), o.region), 's3'), 'aws4_request')
  const signature = createHmac('sha256', kSigning).update(toSign).digest('hex')
  return `${base.protocol}//${host}${path}?${query([...params, ['X-Amz-Signature', signature] as [string, string]].sort(byName))}`
}

type SdkError = { name?: string; Code?: string; code?: string; $metadata?: { httpStatusCode?: number } }
const status = (err: unknown) => (err as SdkError | undefined)?.$metadata?.httpStatusCode
const missing = (err: unknown) => {
  const name = (err as SdkError | undefined)?.name
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket' || status(err) === 404
}
/** 5xx, throttling and network failures: worth another attempt with a fresh stream. */
const transient = (err: unknown) => {
  const s = status(err)
  return s === undefined || s >= 500 || s === 429 || (err as SdkError).name === 'SlowDown' || (err as SdkError).name === 'RequestTimeout'
}

/** Result files in S3-compatible storage; customer links are presigned GETs. */
export function createS3Storage(
  o: S3Options,
  clock: { now(): number } = { now: () => Date.now() },
  tuning: { uploadAttempts?: number; retryDelayMs?: number } = {},
): Storage & { ensureBucket(): Promise<void> } {
  const client = new S3Client({
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    // Streaming uploads with trailing checksums (aws-chunked) are not understood by every
    // S3-compatible server; checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.accessKeyId && o.secretAccessKey ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } } : {}),
  })
  const endpoint = o.publicEndpoint ?? o.endpoint ?? `https://s3.${o.region}.amazonaws.com`
  const prefix = (o.keyPrefix ?? '').replace(/^\/+|\/+$/g, '')
  const objectKey = (key: string) => (prefix ? `${prefix}/${key}` : key)
  const attempts = tuning.uploadAttempts ?? 3
  const retryDelayMs = tuning.retryDelayMs ?? 250

  return {
    async put(key, source, mime) {
      const Key = objectKey(key)
      if ('bytes' in source) {
        // A byte body is replayable, so the SDK's own retries apply.
        await client.send(new PutObjectCommand({ Bucket: o.bucket, Key, Body: source.bytes, ContentLength: source.bytes.byteLength, ContentType: mime }))
        return source.bytes.byteLength
      }
      // Files are streamed, not buffered: videos can be large. The SDK never retries a stream
      // body (it is spent after the first try), so transient failures are retried here with a
      // fresh stream from the start of the file.
      const size = (await stat(source.path)).size
      for (let attempt = 1; ; attempt++) {
        const Body = createReadStream(source.path)
        try {
          await client.send(new PutObjectCommand({ Bucket: o.bucket, Key, Body, ContentLength: size, ContentType: mime }))
          return size
        } catch (err) {
          if (attempt >= attempts || !transient(err)) throw err
          await sleep(retryDelayMs * 2 ** (attempt - 1))
        } finally {
          Body.destroy()
        }
      }
    },
    async open(key, range) {
      const Key = objectKey(key)
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }))
        // `bytes 0-99/5000`: the full size is after the slash.
        const total = /\/(\d+)$/.exec(res.ContentRange ?? '')?.[1]
        const size = total !== undefined ? Number(total) : Number(res.ContentLength ?? 0)
        if (size === 0) {
          // Nothing to read. (Some servers answer a range of an empty object with a 206 that
          // promises a byte it never sends; do not hand that body on.)
          ;(res.Body as Readable | undefined)?.destroy()
          return { stream: Readable.from([]), size: 0 }
        }
        return { stream: res.Body as Readable, size }
      } catch (err) {
        if (missing(err)) return null
        // A range starting at or past the end (e.g. bytes=0-0 of an empty object): like a file
        // read past its end, an empty stream with the real size.
        if (range && (status(err) === 416 || (err as SdkError).name === 'InvalidRange')) {
          const head = await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key })).catch((e: unknown) => {
            if (missing(e)) return null
            throw e
          })
          return head ? { stream: Readable.from([]), size: Number(head.ContentLength ?? 0) } : null
        }
        throw err
      }
    },
    async stat(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: objectKey(key) }))
        return Number(head.ContentLength ?? 0)
      } catch (err) {
        if (missing(err)) return null
        throw err
      }
    },
    url(key, expiresAtSec) {
      if (!o.accessKeyId || !o.secretAccessKey) throw new Error('S3 presigned URLs need REELAY_S3_ACCESS_KEY_ID and REELAY_S3_SECRET_ACCESS_KEY')
      const now = clock.now()
      return presignGet({
        endpoint,
        bucket: o.bucket,
        key: objectKey(key),
        region: o.region,
        accessKeyId: o.accessKeyId,
        secretAccessKey: o.secretAccessKey,
        forcePathStyle: o.forcePathStyle,
        expiresInSec: expiresAtSec - Math.floor(now / 1000),
        now: new Date(now),
      })
    },
    async delete(key) {
      // S3 answers 204 for a missing key; some compatible servers answer 404.
      await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: objectKey(key) })).catch((err: unknown) => {
        if (!missing(err)) throw err
      })
    },
    async ensureBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: o.bucket }))
        return
      } catch (err) {
        // 403 and the like mean the bucket exists (or we may not look): creating it would not help.
        if (!missing(err)) throw err
      }
      // AWS wants the region spelled out outside us-east-1; R2 and MinIO take the endpoint's.
      const location = !o.endpoint && o.region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: o.region as BucketLocationConstraint } } : {}
      await client.send(new CreateBucketCommand({ Bucket: o.bucket, ...location })).catch((err: unknown) => {
        // Another process created it first.
        if ((err as SdkError).name !== 'BucketAlreadyOwnedByYou') throw err
      })
    },
  }
}
