import { rm } from 'node:fs/promises'
import { AppError } from '../../../errors.js'
import { sha256Hex } from '../../../storage/verified-read.js'
import type { UploadedFile } from './multipart.js'
import type { AppDeps } from '../../deps.js'

const IMAGE_TYPES: { ext: string; mime: string; test: (b: Buffer) => boolean }[] = [
  { ext: 'png', mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { ext: 'jpg', mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: 'webp', mime: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
]

/** Decodes a `data:image/…;base64,…` URL; null when the string is not a data URL. */
export function fromDataUrl(url: string, field: string): Buffer | null {
  if (!url.startsWith('data:')) return null
  const m = /^data:[\w.+-]+\/[\w.+-]+;base64,([A-Za-z0-9+/=\s]+)$/.exec(url)
  if (!m?.[1]) throw new AppError('invalid_request', `\`${field}\` must be an http(s) URL or a base64 data: URL of an image`, { field })
  return Buffer.from(m[1], 'base64')
}

/**
 * Stores uploaded images (spooled multipart files or decoded data URLs) so the job can
 * reference them by URL: the catalog takes references as URLs. `keys` go to the submit, which
 * gives them to the job; `drop()` deletes them when the request does not become a new job.
 */
export function uploadStore(deps: AppDeps, accountId: string) {
  const keys: string[] = []
  const maxBytes = deps.config.REELAY_UPLOAD_MAX_PART_BYTES
  return {
    keys,
    async put(source: UploadedFile | Buffer, field: string): Promise<string> {
      const head = Buffer.isBuffer(source) ? source : source.head
      const type = IMAGE_TYPES.find((t) => t.test(head))
      if (!type) throw new AppError('invalid_request', `\`${field}\` must be a PNG, JPEG or WebP image`, { field })
      const bytes = Buffer.isBuffer(source) ? source.length : source.size
      if (bytes > maxBytes) throw new AppError('payload_too_large', `\`${field}\` must be at most ${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB.`, { field })
      const key = await deps.jobs.uploads.put(accountId, Buffer.isBuffer(source) ? { bytes: source } : { path: source.path }, {
        bytes,
        sha256: Buffer.isBuffer(source) ? sha256Hex(source) : source.sha256,
        ext: type.ext,
        mime: type.mime,
      })
      keys.push(key)
      // Stored: the spooled copy need not wait for the response (an image edit may wait minutes).
      if (!Buffer.isBuffer(source)) await rm(source.path, { force: true })
      return deps.jobs.storage.url(key, Math.floor(deps.clock.now() / 1000) + deps.config.REELAY_RESULT_URL_TTL_SECONDS)
    },
    async drop(): Promise<void> {
      await deps.jobs.uploads.discard(keys.splice(0))
    },
  }
}

export const fileFingerprint = (files: UploadedFile[]) => files.map((f) => ({ field: f.field, sha256: f.sha256 }))
