import { verifyFileUrl } from '../storage/url-signing.js'
import { AppError } from '../errors.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from './deps.js'
import type { Storage } from '../storage/storage.js'

const MIME: Record<string, string> = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' }

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

/** Streams a stored file to whoever holds an unexpired signed link (with Range support for players). */
export function registerFilesRoute(app: FastifyInstance, deps: Pick<AppDeps, 'clock' | 'fileUrlSecret'> & { storage: Storage }): void {
  app.get<{ Params: { '*': string }; Querystring: { expires?: string; signature?: string } }>('/files/*', { config: { dialect: 'native' } }, async (req, reply) => {
    const key = req.params['*']
    const expires = Number(req.query.expires)
    const nowSec = Math.floor(deps.clock.now() / 1000)
    if (!req.query.signature || !verifyFileUrl(deps.fileUrlSecret, key, expires, req.query.signature, nowSec)) {
      throw new AppError('not_found', 'This link is invalid or has expired.')
    }
    const head = await deps.storage.open(key, { start: 0, end: 0 })
    if (!head) throw new AppError('not_found', 'This file does not exist.')
    head.stream.destroy()
    const range = parseRange(req.headers.range, head.size)
    const type = MIME[key.split('.').pop() ?? ''] ?? 'application/octet-stream'
    void reply.header('content-type', type).header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600')
    if (range === 'invalid') return reply.status(416).header('content-range', `bytes */${head.size}`).send()
    const file = await deps.storage.open(key, range ?? undefined)
    if (!file) throw new AppError('not_found', 'This file does not exist.')
    if (range) {
      void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${head.size}`).header('content-length', String(range.end - range.start + 1))
    } else void reply.header('content-length', String(head.size))
    return reply.send(file.stream)
  })
}
