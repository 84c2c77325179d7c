import { verifyFileUrl } from '../storage/url-signing.js'
import { AppError } from '../errors.js'
import { mimeOfName } from '../media/mime.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from './deps.js'
import type { Storage } from '../storage/storage.js'
import type { StoredFiles } from '../jobs/stored-files.js'

/** Parses a single `bytes=a-b` range; multi-range requests get the whole file. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null
  const [, a, b] = m
  let start: number
  let end: number
  if (a === '') {
    if (!b) return 'invalid'
    start = Math.max(0, size - Number(b))
    end = size - 1
  } else {
    start = Number(a)
    end = b ? Math.min(Number(b), size - 1) : size - 1
  }
  return start > end || start >= size ? 'invalid' : { start, end }
}

/**
 * Streams a stored file to whoever holds an unexpired signed link (with Range support for
 * players). A file with a record (job outputs, uploads) is checked against it: size before
 * answering, SHA-256 while a whole file streams; a missing or damaged one is a 410.
 */
export function registerFilesRoute(app: FastifyInstance, deps: Pick<AppDeps, 'clock' | 'fileUrlSecret'> & { storage: Storage; files: StoredFiles }): void {
  app.get<{ Params: { '*': string }; Querystring: { expires?: string; signature?: string } }>('/files/*', { config: { dialect: 'native' } }, async (req, reply) => {
    const key = req.params['*']
    const expires = Number(req.query.expires)
    const nowSec = Math.floor(deps.clock.now() / 1000)
    if (!req.query.signature || !verifyFileUrl(deps.fileUrlSecret, key, expires, req.query.signature, nowSec)) {
      throw new AppError('not_found', 'This link is invalid or has expired.')
    }
    const rec = await deps.files.recordOf(key)
    let size: number
    if (rec) size = rec.expected.bytes
    else {
      // Nothing records this key (a file stored before records were kept): serve it as it is.
      const found = await deps.storage.stat(key)
      if (found === null) throw new AppError('not_found', 'This file does not exist.')
      size = found
    }
    const range = parseRange(req.headers.range, size)
    if (range === 'invalid') return reply.status(416).header('content-range', `bytes */${size}`).send()
    const file = rec ? await deps.files.open(key, rec, range ?? undefined) : await deps.storage.open(key, range ?? undefined)
    if (!file) throw new AppError('not_found', 'This file does not exist.')
    const type = mimeOfName(key) ?? 'application/octet-stream'
    void reply.header('content-type', type).header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600')
    if (range) {
      void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', String(range.end - range.start + 1))
    } else void reply.header('content-length', String(size))
    return reply.send(file.stream)
  })
}
