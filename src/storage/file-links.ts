import { verifyFileUrl } from './url-signing.js'

/**
 * The key shapes this server writes (`results/<jobId>/<n>.<ext>`, `uploads/<uuid>.<ext>`).
 * A link naming anything else is not ours: the charset leaves no room for dot segments,
 * percent escapes or backslashes, whatever the parser did before.
 */
const RESULT_KEY = /^results\/(job_[0-9a-z]{26})\/\d{1,3}\.[a-z0-9]{2,4}$/
const UPLOAD_KEY = /^uploads\/[0-9a-f-]{36}\.[a-z0-9]{2,4}$/
/** A job's stored reference, named by its content hash (`jobs/references/intake.ts`). */
const INPUT_KEY = /^inputs\/[0-9a-f]{64}\.[a-z0-9]{2,4}$/

/**
 * What a stored object is, for deciding who may use it as an input: an upload (owned by the
 * account its `uploads` row names) or an output of a job (owned by the job's account).
 */
export function fileKind(key: string): { upload: string } | { jobId: string } | null {
  if (UPLOAD_KEY.test(key)) return { upload: key }
  const result = RESULT_KEY.exec(key)
  return result ? { jobId: result[1]! } : null
}

export type FileLink = { ok: true; key: string } | { ok: false; reason: string }

/**
 * Reads a parsed (so already normalised) URL that points at this server as a link to its
 * `/files/` route: a known key shape, exactly `expires` and `signature` in the query, an
 * unexpired HMAC. `base` is the public URL, whose path (if any) prefixes the route.
 */
export function readFileLink(url: URL, base: URL, secret: string, nowSec: number, opts: { inputs?: boolean } = {}): FileLink {
  const prefix = `${base.pathname.replace(/\/+$/, '')}/files/`
  if (!url.pathname.startsWith(prefix) || url.hash !== '') return { ok: false, reason: 'must not point to this server, except a signed link to a file of yours' }
  const key = url.pathname.slice(prefix.length)
  if (!fileKind(key) && !(opts.inputs && INPUT_KEY.test(key))) return { ok: false, reason: 'is not a link to a file this server stored' }
  const names = [...url.searchParams.keys()]
  const expires = url.searchParams.get('expires')
  const signature = url.searchParams.get('signature')
  if (names.length !== 2 || expires === null || signature === null || !/^\d{1,12}$/.test(expires)) {
    return { ok: false, reason: 'is a file link without a valid `expires` and `signature`' }
  }
  if (!verifyFileUrl(secret, key, Number(expires), signature, nowSec)) return { ok: false, reason: 'is a file link that has expired or is not validly signed' }
  return { ok: true, key }
}

/**
 * The server's own reading of its signed links (`<publicUrl>/files/<key>?expires&signature`):
 * the key of a valid, unexpired link to anything it stored, a job's inputs included, so such a
 * file is read from storage rather than fetched over the network; null for any other URL. The
 * same rule as a customer's link (`readFileLink`), on the server's own origin.
 */
export function ownFileKey(opts: { publicUrl: string; secret: string; nowSec: () => number }): (url: string) => string | null {
  const base = new URL(opts.publicUrl)
  return (raw) => {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return null
    }
    if (url.origin !== base.origin) return null
    const link = readFileLink(url, base, opts.secret, opts.nowSec(), { inputs: true })
    return link.ok ? link.key : null
  }
}
