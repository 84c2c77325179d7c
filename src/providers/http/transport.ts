import type { Agent } from 'undici'
import { loadUndici } from '../../net/undici.js'

const agents = new Map<string, Agent>()

// One pooled agent per connect timeout (and keep-alive): adapters stay stateless while sockets are shared.
function agentFor(Agent: typeof import('undici').Agent, connectMs: number, keepAliveMs: number | undefined): Agent {
  const key = `${connectMs}/${keepAliveMs ?? ''}`
  let a = agents.get(key)
  if (!a) {
    a = new Agent({ connect: { timeout: connectMs }, ...(keepAliveMs !== undefined ? { keepAliveTimeout: keepAliveMs } : {}) })
    agents.set(key, a)
  }
  return a
}

export interface ExchangeInit {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  headers: Record<string, string>
  body?: string | Uint8Array
  signal?: AbortSignal | undefined
  connectMs: number
  headersMs: number
  /** The longest wait between body chunks. */
  bodyMs: number
  /** (Default: undici's) */
  keepAliveMs?: number
  maxBytes: number
  /** The error thrown once the body passes `maxBytes`. */
  tooLarge(status: number): Error
}

export interface Exchange {
  status: number
  headers: Record<string, string | string[] | undefined>
  bytes: Buffer
}

/**
 * One HTTP exchange with timeouts and a size cap, for every adapter. Throws `tooLarge` or
 * undici's own error, which the adapter classifies (see `transportCode`).
 */
export async function exchange(url: string, init: ExchangeInit): Promise<Exchange> {
  const { Agent, request } = await loadUndici()
  const res = await request(url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    dispatcher: agentFor(Agent, init.connectMs, init.keepAliveMs),
    headersTimeout: init.headersMs,
    bodyTimeout: init.bodyMs,
    signal: init.signal ?? null,
  })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > init.maxBytes) {
      res.body.destroy()
      throw init.tooLarge(res.statusCode)
    }
    chunks.push(chunk)
  }
  return { status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }
}

// Failed before a byte reached the upstream: a retry cannot bill twice.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])

/** The error's `code`, or its cause's; '' when neither is a string. */
export function transportCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null
  if (typeof e?.code === 'string') return e.code
  return typeof e?.cause?.code === 'string' ? e.cause.code : ''
}

/** Not sent, or the connection dropped: every adapter retries these. */
export function isRetryableTransportCode(code: string): boolean {
  return NOT_SENT.has(code) || RESET.has(code)
}

const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * What a failure to get an answer means, for every adapter: `not-sent` (retry freely, nothing
 * can have been billed), `timeout` or `unknown` (sent but unanswered: the upstream may have
 * acted on it). `code` names it for the operator.
 */
export function transportFailure(err: unknown): { outcome: 'not-sent' | 'timeout' | 'unknown'; code: string } {
  const name = (err as { name?: unknown } | null)?.name
  const code = transportCode(err) || (typeof name === 'string' ? name : '')
  // A closed undici client refuses the request before sending it.
  if (isRetryableTransportCode(code) || code === 'UND_ERR_CLOSED') return { outcome: 'not-sent', code }
  return { outcome: TIMEOUT.has(code) ? 'timeout' : 'unknown', code }
}
