import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Socket } from 'node:net'
import { AppError } from '../../errors.js'
import { newRequestId } from '../../domain/ids.js'
import { errorResponse, requestIdFor, type DialectErrors } from './errors.js'
import type { FastifyInstance } from 'fastify'

/**
 * Answers Node gives before Fastify sees a request (timeouts, header overflow, bad HTTP,
 * `Expect`, refused connections), written in the path's dialect with an `x-request-id`, where
 * Node would send an empty body or a bare "Client Error".
 */

/** The path of the request line at the start of `raw`, when there is one. */
function pathOfRequestLine(raw: Buffer | undefined): string | undefined {
  const line = raw?.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0]
  return line ? /^[A-Z]{3,10} (\/\S*)/.exec(line)?.[1] : undefined
}

/** A complete HTTP/1.1 response that closes the connection. */
function rawResponse(errors: DialectErrors, path: string | undefined, err: AppError, requestId: string): string {
  const res = errorResponse(errors.forPath(path ?? '/'), err, requestId)
  const body = JSON.stringify(res.body)
  const headers = { ...res.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' }
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`)
  return `HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`
}

/** Ends the socket after the answer; a client that keeps sending is cut off after `lingerMs`. */
function endWith(socket: Duplex, response: string, lingerMs = 1_000): void {
  socket.end(response)
  socket.resume()
  setTimeout(() => socket.destroy(), lingerMs).unref()
}

function protocolError(code: string | undefined): AppError {
  switch (code ?? '') {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('request_timeout', 'The request was not received in time; the connection is closed.')
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('headers_too_large', 'The request headers are larger than the server accepts (16 KB).')
    default:
      return new AppError('invalid_request', 'The request is not valid HTTP/1.1.')
  }
}

/** Fastify's `clientErrorHandler`: Node's parse errors and request timeouts. */
export function clientErrorHandler(errors: DialectErrors) {
  return function (this: FastifyInstance, err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    // A timeout can hit a request that is already being read: answer it with its own id and path.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage
    const req = inFlight?.req
    const id = req ? requestIdFor(req) : newRequestId()
    this.log.debug({ reqId: id, code: err.code }, 'client protocol error')
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    endWith(socket, rawResponse(errors, req?.url ?? pathOfRequestLine(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined), protocolError(err.code), id))
  }
}

/**
 * HTTP/1.1 requires `Host` (RFC 9112 §3.2). Node itself would answer a request without one with
 * an empty 400 before any hook runs (so the server turns that check off); here it is answered in
 * the path's dialect with an `x-request-id` instead.
 */
export function requireHostHeader(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const raw = req.raw
    if (raw.httpVersionMajor === 1 && raw.httpVersionMinor >= 1 && req.headers.host === undefined) {
      done(new AppError('invalid_request', 'An HTTP/1.1 request must carry a `Host` header.', { field: 'Host' }))
      return
    }
    done()
  })
}

/** Node answers an unsupported `Expect` with an empty 417; this gives it the API's shape. */
export function answerExpectation(server: Server, errors: DialectErrors): void {
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const r = errorResponse(errors.forPath(req.url ?? '/'), new AppError('expectation_failed', `\`Expect: ${String(req.headers.expect)}\` is not supported; only 100-continue is.`, { field: 'Expect' }), requestIdFor(req))
    const body = JSON.stringify(r.body)
    res.writeHead(r.status, { ...r.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
    res.end(body)
  })
}

/**
 * At most `max` open connections per client address (0: no cap). A connection over the cap
 * never reaches the HTTP parser: it is answered 503 with `Retry-After` in the dialect of its
 * first request line and closed. Node's own connection listener is wrapped, not replaced.
 */
export function capConnectionsPerIp(server: Server, errors: DialectErrors, max: number, waitMs: number): void {
  if (max <= 0) return
  const open = new Map<string, number>()
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[]
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? ''
    const n = (open.get(ip) ?? 0) + 1
    open.set(ip, n)
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1
      if (left <= 0) open.delete(ip)
      else open.set(ip, left)
    })
    if (n <= max) {
      for (const l of listeners) l.call(server, socket)
      return
    }
    const refuse = (first?: Buffer) => {
      const err = new AppError('service_unavailable', `Too many open connections from this address (at most ${max}); retry shortly.`, { retryAfterSec: 1 })
      endWith(socket, rawResponse(errors, pathOfRequestLine(first), err, newRequestId()))
    }
    socket.setTimeout(waitMs, () => socket.destroy())
    socket.once('data', (chunk: Buffer) => refuse(chunk))
    socket.on('error', () => socket.destroy())
  })
}
