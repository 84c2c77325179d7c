import { AppError } from '../../../errors.js'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** One uploaded file part, read into memory (sizes are capped by `UPLOAD_LIMITS`). */
export interface UploadedFile {
  /** The form field with any `[]` suffix removed: `image[]` → `image`. */
  field: string
  filename: string
  mimetype: string
  data: Buffer
}

/** Per-request caps for multipart bodies. */
export const UPLOAD_LIMITS = {
  /** OpenAI allows up to 16 images plus a mask. */
  files: 17,
  fileSize: 20 * 1024 * 1024,
  fields: 64,
  parts: 96,
  /** A prompt of 32000 characters in UTF-8 fits. */
  fieldSize: 256 * 1024,
}


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

function multipartError(err: unknown, field: string | undefined): AppError {
  if (err instanceof AppError) return err
  const code = (err as { code?: string } | null)?.code
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('payload_too_large', `\`${field ?? 'file'}\` must be at most ${UPLOAD_LIMITS.fileSize / 1024 / 1024} MB.`, field ? { field } : {})
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large', `A request may carry at most ${UPLOAD_LIMITS.files} files.`)
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

/**
 * A preHandler (run after authentication, so anonymous callers never get their uploads read):
 * for multipart requests, reads text fields into `req.body` and files into memory
 * (`uploadsOf(req)`). JSON requests pass through untouched.
 */
export async function readMultipartBody(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (typeof req.isMultipart !== 'function' || !req.isMultipart()) return
  const body: Record<string, unknown> = {}
  const files: UploadedFile[] = []
  let current: string | undefined
  try {
    for await (const part of req.parts({ limits: UPLOAD_LIMITS })) {
      current = part.fieldname
      if (part.type === 'file') {
        const data = await part.toBuffer()
        files.push({ field: part.fieldname.replace(/\[\]$/, ''), filename: part.filename, mimetype: part.mimetype, data })
      } else {
        if (part.valueTruncated) {
          throw new AppError('payload_too_large', `\`${part.fieldname}\` is too long.`, { field: part.fieldname })
        }
        assign(body, part.fieldname, part.value)
        current = undefined
      }
      // A file that overflows may only be reported by the next iteration: keep its name until then.
    }
  } catch (err) {
    throw multipartError(err, current?.replace(/\[\]$/, ''))
  }
  req.body = body
  uploads.set(req, files)
}
