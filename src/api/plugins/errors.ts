import { AppError, coerceError } from '../../errors.js'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dialect } from '../dialect.js'

/** Maps Fastify's own errors (bad JSON, body limits, media types) onto our table. */
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
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new AppError('invalid_request', 'The request body is not valid JSON.', { field: 'body' })
  }
  return null
}

/** Retry-After when the error itself names none. */
const DEFAULT_RETRY_AFTER_SEC: Record<number, number> = { 429: 1, 503: 5 }

/**
 * One error handler for every dialect: the route's dialect decides the body shape. Messages of
 * 5xx errors are generic; the cause is logged with the request id.
 */
export function registerErrorHandling(app: FastifyInstance, dialects: Map<string, Dialect>, fallback: Dialect): void {
  const dialectOf = (req: FastifyRequest) => {
    const name = (req.routeOptions?.config as { dialect?: string } | undefined)?.dialect
    return (name && dialects.get(name)) || dialectFromUrl(req.url, dialects) || fallback
  }
  const send = (req: FastifyRequest, reply: FastifyReply, err: AppError) => {
    const { status, body } = dialectOf(req).formatError(err, req.id)
    // Every 429 and 503 says when to retry, whatever code the dialect maps onto it.
    const retryAfter = err.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC[status]
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter))
    return reply.status(status).send(body)
  }
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const err = error instanceof AppError ? error : (fromFastify(error) ?? coerceError(error))
    if (err.status >= 500) req.log.error({ err: error }, 'request failed')
    return send(req, reply, err)
  })
  app.setNotFoundHandler((req, reply) => send(req, reply, new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`)))
}

function dialectFromUrl(url: string, dialects: Map<string, Dialect>): Dialect | undefined {
  if (/^\/v1\/images\/(generations|edits|variations)/.test(url) || (url.startsWith('/v1/videos') && !url.startsWith('/v1/videos/generate'))) return dialects.get('openai')
  if (url.startsWith('/api/open/')) return dialects.get('open')
  if (url.startsWith('/api/v1/jobs') || url.startsWith('/api/v1/account')) return dialects.get('jobs')
  if (url.startsWith('/api/v1/')) return dialects.get('tasks')
  return undefined
}
