import type { IncomingHttpHeaders } from 'node:http'
import { AppError, coerceError } from '../../errors.js'
import { newId } from '../../domain/ids.js'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dialect } from '../dialect.js'

/**
 * Which dialect answers for a path when no route of its own does (404s, errors raised before
 * routing, protocol errors): the longest matching prefix, whole segments only; native otherwise.
 */
export const DIALECT_PREFIXES: ReadonlyArray<readonly [prefix: string, dialect: string]> = [
  ['/v1/videos/generate', 'native'],
  ['/v1/videos', 'openai'],
  ['/v1/images/generations', 'openai'],
  ['/v1/images/edits', 'openai'],
  ['/v1/images/variations', 'openai'],
  ['/api/open', 'open'],
  ['/api/v1/jobs', 'jobs'],
  ['/api/v1/account', 'jobs'],
  ['/api/v1', 'tasks'],
]

export function dialectNameForPath(url: string): string | undefined {
  // A request line may carry the absolute form (`GET http://host/v1/videos HTTP/1.1`).
  const path = url.replace(/^[a-z][a-z\d+.-]*:\/\/[^/]*/i, '').split('?')[0] ?? ''
  let best: readonly [string, string] | undefined
  for (const entry of DIALECT_PREFIXES) {
    const [prefix] = entry
    const hit = path === prefix || path.startsWith(`${prefix}/`)
    if (hit && (!best || prefix.length > best[0].length)) best = entry
  }
  return best?.[1]
}

const REQUEST_IDS = new WeakMap<object, string>()

/**
 * The request id: the client's `x-request-id` when it is a sane token, else a new one. Kept per
 * raw request, so answers written outside Fastify (timeouts, protocol errors) carry the same id.
 */
export function requestIdFor(req: { headers: IncomingHttpHeaders }): string {
  const known = REQUEST_IDS.get(req)
  if (known) return known
  const given = req.headers['x-request-id']
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : newId('req')
  REQUEST_IDS.set(req, id)
  return id
}

/** Maps Fastify's own errors (bad JSON, body limits, media types, bad URLs) onto our table. */
function fromFastify(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is too large.')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the body as `Content-Type: application/json`.', { field: 'Content-Type' })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_request', 'The request body is empty; send a JSON object.', { field: 'body' })
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_request', 'The Content-Length header does not match the body.', { field: 'Content-Length' })
    case 'FST_ERR_BAD_URL':
      return new AppError('invalid_request', 'The URL path is not valid (malformed percent-encoding).', { field: 'path' })
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('uri_too_long', 'A path segment of the URL is too long.', { field: 'path' })
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new AppError('invalid_request', 'The request body is not valid JSON.', { field: 'body' })
  }
  return null
}

/** Retry-After when the error itself names none. */
const DEFAULT_RETRY_AFTER_SEC: Record<number, number> = { 429: 1, 503: 5 }
const ABORT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'])

/**
 * True when an error only says the client went away (its body cut off, the connection reset):
 * nothing can be answered, and it is not our failure. A real failure while the client was
 * leaving still counts as one.
 */
function isClientAbort(error: FastifyError, req: FastifyRequest): boolean {
  const raw = req.raw as typeof req.raw & { aborted?: boolean }
  return raw.aborted === true || (error.code !== undefined && ABORT_CODES.has(error.code) && raw.socket?.destroyed === true)
}

export const CLIENT_CLOSED = 'client closed the connection before the request was answered'

/** The answer to an error in a dialect's shape, with `x-request-id` and `Retry-After` where due. */
export function errorResponse(dialect: Dialect, err: AppError, requestId: string): { status: number; headers: Record<string, string>; body: unknown } {
  const headers: Record<string, string> = { 'x-request-id': requestId }
  const { status, body } = dialect.formatError(err, requestId)
  // Every 429 and 503 says when to retry, whatever code the dialect maps onto it.
  const retryAfter = err.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC[status]
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
  return { status, headers, body }
}

export interface DialectErrors {
  /** The dialect for a path, for answers outside any dialect's scope. */
  forPath(url: string): Dialect
  /** Sends an error from an unknown or thrown value, in `dialect`'s shape (the path's when absent). */
  handle(error: unknown, req: FastifyRequest, reply: FastifyReply, dialect?: Dialect): FastifyReply
}

export function dialectErrors(dialects: Map<string, Dialect>, fallback: Dialect): DialectErrors {
  const forPath = (url: string) => dialects.get(dialectNameForPath(url) ?? '') ?? fallback
  return {
    forPath,
    handle(error, req, reply, dialect) {
      const e = error as FastifyError
      // Logged once, by the onRequestAbort hook (see registerErrorHandling).
      if (!(error instanceof AppError) && isClientAbort(e, req)) return reply
      const err = error instanceof AppError ? error : (fromFastify(e) ?? coerceError(error))
      // Messages of 5xx errors are generic; the cause is logged with the request id.
      if (err.status >= 500) req.log.error({ err: error }, 'request failed')
      const res = errorResponse(dialect ?? forPath(req.url), err, req.id)
      return reply.status(res.status).headers(res.headers).send(res.body)
    },
  }
}

/**
 * Errors and 404s in each dialect's shape. The root handler serves routes outside any dialect
 * (files, callbacks, health) and errors raised before routing, choosing by path; each dialect
 * plugin sets its own handler with `useDialectErrorHandler`. Not-found handlers are set per
 * path prefix, so an unknown path under a dialect's prefix gets that dialect's 404.
 */
export async function registerErrorHandling(app: FastifyInstance, errors: DialectErrors, dialects: Map<string, Dialect>): Promise<void> {
  app.setErrorHandler((error: FastifyError, req, reply) => errors.handle(error, req, reply))
  // However far the request got (authenticating, reading its body), a client gone is one debug line.
  app.addHook('onRequestAbort', async (req) => req.log.debug(CLIENT_CLOSED))
  const notFound = (dialect?: Dialect) => (req: FastifyRequest, reply: FastifyReply) =>
    errors.handle(new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`), req, reply, dialect)
  app.setNotFoundHandler(notFound())
  for (const [prefix, name] of DIALECT_PREFIXES) {
    const dialect = dialects.get(name)
    if (!dialect) continue
    await app.register(async (scope) => scope.setNotFoundHandler(notFound(dialect)), { prefix })
  }
}

/** Inside a dialect's plugin: its errors always take its shape, whatever the path. */
export function useDialectErrorHandler(scope: FastifyInstance, errors: DialectErrors, dialect: Dialect): void {
  scope.setErrorHandler((error: FastifyError, req, reply) => errors.handle(error, req, reply, dialect))
}
