import type { IncomingHttpHeaders } from 'node:http'
import { AppError, coerceError } from '../../errors.js'
import { newRequestId } from '../../domain/ids.js'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dialect } from '../dialect.js'

/**
 * Which dialect answers for a path outside any route (an unknown path, an error raised before
 * routing, a protocol error): the longest of the dialects' declared `paths` that matches, whole
 * segments only; none (the caller's fallback) otherwise.
 */
export function dialectForPath(dialects: Iterable<Dialect>, url: string): Dialect | undefined {
  // A request line may carry the absolute form (`GET http://host/v1/videos HTTP/1.1`).
  const path = url.replace(/^[a-z][a-z\d+.-]*:\/\/[^/]*/i, '').split('?')[0] ?? ''
  let best: { prefix: string; dialect: Dialect } | undefined
  for (const dialect of dialects) {
    for (const prefix of dialect.paths) {
      const hit = path === prefix || path.startsWith(`${prefix}/`)
      if (hit && (!best || prefix.length > best.prefix.length)) best = { prefix, dialect }
    }
  }
  return best?.dialect
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
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : newRequestId()
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
  /** The dialect a request's route belongs to; by path when it matched none. */
  forRequest(req: FastifyRequest): Dialect
  /** Sends an error from an unknown or thrown value, in `dialect`'s shape (the path's when absent). */
  handle(error: unknown, req: FastifyRequest, reply: FastifyReply, dialect?: Dialect): FastifyReply
}

export function dialectErrors(dialects: Map<string, Dialect>, fallback: Dialect): DialectErrors {
  const forPath = (url: string) => dialectForPath(dialects.values(), url) ?? fallback
  // Framework errors raised before routing come with a request that has no route options yet.
  const forRequest = (req: FastifyRequest) => dialects.get((req.routeOptions as Partial<typeof req.routeOptions> | undefined)?.config?.dialect ?? '') ?? forPath(req.url)
  return {
    forPath,
    forRequest,
    handle(error, req, reply, dialect) {
      const e = error as FastifyError
      // Logged once, by the onRequestAbort hook (see registerErrorHandling).
      if (!(error instanceof AppError) && isClientAbort(e, req)) return reply
      const err = error instanceof AppError ? error : (fromFastify(e) ?? coerceError(error))
      // Messages of 5xx errors are generic; the cause is logged with the request id.
      if (err.status >= 500) req.log.error({ err: error }, 'request failed')
      const res = errorResponse(dialect ?? forRequest(req), err, req.id)
      return reply.status(res.status).headers(res.headers).send(res.body)
    },
  }
}

/**
 * The root's errors and 404s: routes outside any dialect (files, callbacks, health) take their
 * route's `dialect`, and what matched no route is answered by path. Each dialect's plugin scope
 * sets its own handlers (`plugins/dialect-scope.ts`).
 */
// The map of dialects is no longer needed here (each dialect scope sets its own 404s); callers may still pass it.
export async function registerErrorHandling(app: FastifyInstance, errors: DialectErrors, _dialects?: Map<string, Dialect>): Promise<void> {
  app.setErrorHandler((error: FastifyError, req, reply) => errors.handle(error, req, reply))
  // However far the request got (authenticating, reading its body), a client gone is one debug line.
  app.addHook('onRequestAbort', async (req) => req.log.debug(CLIENT_CLOSED))
  app.setNotFoundHandler((req, reply) => errors.handle(new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`), req, reply))
}

/** Inside a dialect's plugin: its errors always take its shape, whatever the path. */
export function useDialectErrorHandler(scope: FastifyInstance, errors: DialectErrors, dialect: Dialect): void {
  scope.setErrorHandler((error: FastifyError, req, reply) => errors.handle(error, req, reply, dialect))
}
