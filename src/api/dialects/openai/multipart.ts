import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync } from 'node:fs'
import { readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../errors.js'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { Config } from '../../../config.js'

/** One uploaded file part, spooled to a temporary file as it arrives (never held in memory). */
export interface UploadedFile {
  /** The form field with any `[]` suffix removed: `image[]` → `image`. */
  field: string
  filename: string
  mimetype: string
  /** The spooled copy; deleted when the response ends. */
  path: string
  size: number
  sha256: string
  /** The first bytes, for telling the file's type. */
  head: Buffer
}

/** Fixed caps on the shape of a form; byte limits come from the config. */
export const FORM_LIMITS = {
  /** OpenAI allows up to 16 images plus a mask. */
  files: 17,
  fields: 64,
  parts: 96,
  /** A prompt of 32000 characters in UTF-8 fits. */
  fieldSize: 256 * 1024,
}

/** Files an endpoint takes, per field: how many, given the text fields read so far. */
export type FileFields = Record<string, (fields: Record<string, unknown>) => { max: number; rule: string }>

const HEAD_BYTES = 64
const MB = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`

const uploads = new WeakMap<FastifyRequest, UploadedFile[]>()

/** The files of a multipart request (empty for JSON requests). */
export function uploadsOf(req: FastifyRequest): UploadedFile[] {
  return uploads.get(req) ?? []
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Sets a form value the way the SDK encodes it: `a[]` appends to array `a`, `a[b]` sets `a.b`,
 * `a[][b]` sets `b` on the last object of array `a` (starting a new one when it already has
 * `b`), and a repeated plain key becomes an array.
 */
function assign(body: Record<string, unknown>, name: string, value: unknown): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name)
  const key = m?.[1]
  const subs = [...(m?.[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? '')
  if (!key || subs.length > 2 || [key, ...subs].some((k) => UNSAFE_KEYS.has(k)) || (subs.length === 2 && (subs[0] !== '' || subs[1] === ''))) {
    throw new AppError('invalid_request', `The form field name \`${name}\` is not supported.`, { field: name })
  }
  const [first, second] = subs
  if (first === undefined) {
    if (key in body) {
      const prev = body[key]
      body[key] = Array.isArray(prev) ? [...(prev as unknown[]), value] : [prev, value]
    } else body[key] = value
  } else if (first === '' && second === undefined) {
    const list = body[key]
    body[key] = Array.isArray(list) ? [...(list as unknown[]), value] : list === undefined ? [value] : [list, value]
  } else if (first !== '') {
    const obj = body[key]
    body[key] = { ...(obj && typeof obj === 'object' && !Array.isArray(obj) ? obj : {}), [first]: value }
  } else {
    const prop = second as string
    const list = Array.isArray(body[key]) ? (body[key] as unknown[]) : []
    const last = list.at(-1)
    if (last && typeof last === 'object' && !Array.isArray(last) && !(prop in last)) (last as Record<string, unknown>)[prop] = value
    else list.push({ [prop]: value })
    body[key] = list
  }
}

function multipartError(err: unknown, field: string | undefined, limits: Config): AppError {
  if (err instanceof AppError) return err
  const code = (err as { code?: string } | null)?.code
  switch (code ?? '') {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('payload_too_large', `\`${field ?? 'file'}\` must be at most ${MB(limits.REELAY_UPLOAD_MAX_PART_BYTES)}.`, field ? { field } : {})
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large', `A request may carry at most ${FORM_LIMITS.files} files.`)
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('payload_too_large', 'The form has too many fields.')
    case 'FST_PROTO_VIOLATION':
      return new AppError('invalid_request', 'A form field name is not allowed.')
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new AppError('invalid_request', 'A form field declared as JSON is not valid JSON.')
  }
  return new AppError('invalid_request', 'The multipart/form-data body is malformed.', { field: 'body' })
}

/** Counts, hashes and keeps the head of a file part on its way to disk; stops it at a limit. */
function meter(field: string, limits: Config, total: { bytes: number }) {
  const hash = createHash('sha256')
  const head: Buffer[] = []
  let size = 0
  let headLen = 0
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      total.bytes += chunk.length
      if (size > limits.REELAY_UPLOAD_MAX_PART_BYTES) {
        return done(new AppError('payload_too_large', `\`${field}\` must be at most ${MB(limits.REELAY_UPLOAD_MAX_PART_BYTES)}.`, { field }))
      }
      if (total.bytes > limits.REELAY_UPLOAD_MAX_TOTAL_BYTES) {
        return done(new AppError('payload_too_large', `The uploaded files must total at most ${MB(limits.REELAY_UPLOAD_MAX_TOTAL_BYTES)}.`, { field }))
      }
      hash.update(chunk)
      if (headLen < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headLen))
        headLen += Math.min(chunk.length, HEAD_BYTES - headLen)
      }
      done(null, chunk)
    },
  })
  return { stream, done: () => ({ size, sha256: hash.digest('hex'), head: Buffer.concat(head) }) }
}

/**
 * Spooled parts are removed when their response closes; a process killed mid-request leaves
 * its own behind. Those are removed at the next start, by age, since several processes may
 * share the directory. (File times are wall-clock, like the files themselves.)
 */
async function removeStaleSpool(dir: string, olderThanMs: number): Promise<void> {
  const cutoff = Date.now() - olderThanMs
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name)
    const s = await stat(file).catch(() => null)
    if (s && s.mtimeMs < cutoff) await rm(file, { force: true }).catch(() => undefined)
  }
}

/**
 * A preHandler (run after authentication, so anonymous callers never get their uploads read)
 * for multipart requests: text fields go to `req.body`, and file parts stream to temporary
 * files (`uploadsOf(req)`) within the per-part and total byte limits. A file in a field the
 * endpoint does not take, or one file too many, stops the request at once, unread. JSON
 * requests pass through untouched.
 */
export function multipartReader(config: Config, fileFields: FileFields): preHandlerAsyncHookHandler {
  const spool = path.join(config.dataDir, 'tmp', 'uploads')
  mkdirSync(spool, { recursive: true })
  void removeStaleSpool(spool, config.REELAY_UPLOAD_GRACE_SECONDS * 1_000)
  return async function readMultipartBody(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (typeof req.isMultipart !== 'function' || !req.isMultipart()) return
    const body: Record<string, unknown> = {}
    const files: UploadedFile[] = []
    const counts = new Map<string, number>()
    const total = { bytes: 0 }
    const temps: string[] = []
    // Once the response is over (sent or aborted) the spooled copies are not needed.
    reply.raw.once('close', () => void Promise.all(temps.map((t) => rm(t, { force: true }))))
    let current: string | undefined
    try {
      // Busboy's own per-file cap sits one byte above ours, so ours reports first.
      const limits = { ...FORM_LIMITS, fileSize: config.REELAY_UPLOAD_MAX_PART_BYTES + 1 }
      for await (const part of req.parts({ limits })) {
        current = part.fieldname
        if (part.type === 'file') {
          const field = part.fieldname.replace(/\[\]$/, '')
          current = field
          const allowed = fileFields[field]
          if (!allowed && !field) throw new AppError('invalid_request', `A file part has no field name (expected ${Object.keys(fileFields).join(' or ')})`)
          if (!allowed) {
            throw new AppError('invalid_request', `\`${field}\` is not a file field of this endpoint (expected ${Object.keys(fileFields).join(' or ')})`, { field })
          }
          const n = (counts.get(field) ?? 0) + 1
          counts.set(field, n)
          const { max, rule } = allowed(body)
          if (n > max) throw new AppError('invalid_request', `\`${field}\` ${rule}`, { field })
          const file = path.join(spool, randomUUID())
          temps.push(file)
          const m = meter(field, config, total)
          // A body cut off inside this part: the parser already destroyed its stream, and a
          // pipeline from a destroyed stream never settles.
          if (part.file.destroyed) throw new AppError('invalid_request', 'The multipart/form-data body ends inside a file part.', { field: 'body' })
          await pipeline(part.file, m.stream, createWriteStream(file))
          // Busboy truncates at its cap and may only say so on the next part: check here too.
          if (part.file.truncated) throw multipartError({ code: 'FST_REQ_FILE_TOO_LARGE' }, field, config)
          files.push({ field, filename: part.filename, mimetype: part.mimetype, path: file, ...m.done() })
        } else {
          if (part.valueTruncated) {
            throw new AppError('payload_too_large', `\`${part.fieldname}\` is too long.`, { field: part.fieldname })
          }
          total.bytes += Buffer.byteLength(String(part.value ?? ''))
          if (total.bytes > config.REELAY_UPLOAD_MAX_TOTAL_BYTES) {
            throw new AppError('payload_too_large', `The request must total at most ${MB(config.REELAY_UPLOAD_MAX_TOTAL_BYTES)}.`, { field: part.fieldname })
          }
          assign(body, part.fieldname, part.value)
          current = undefined
        }
        // A file that overflows may only be reported by the next iteration: keep its name until then.
      }
    } catch (err) {
      await Promise.all(temps.map((t) => rm(t, { force: true })))
      // The rest of the body is never read: close the connection after answering.
      void reply.header('connection', 'close')
      throw multipartError(err, current?.replace(/\[\]$/, ''), config)
    }
    req.body = body
    uploads.set(req, files)
  }
}
