import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import type { Agent, Dispatcher } from 'undici'
import { familiesToSniff, sniffMedia, SNIFF_BYTES } from './media-sniff.js'
import { bareHost, checkUrlSyntax, isBlockedAddress, type UrlPolicy, type UrlRejectCode } from './url-policy.js'
import { loadUndici } from './undici.js'

export type SafeFetchCode =
  | UrlRejectCode
  | 'dns_failed'
  | 'timeout'
  | 'too_large'
  | 'bad_content_type'
  | 'too_many_redirects'
  | 'connect_failed'

const MESSAGES: Record<SafeFetchCode, string> = {
  invalid_url: 'The URL is invalid.',
  scheme_not_allowed: 'The URL must use https.',
  credentials_not_allowed: 'The URL must not contain a user name or password.',
  port_not_allowed: 'The URL uses a port that is not allowed.',
  address_not_allowed: 'The URL must not point to a private or loopback address.',
  dns_failed: 'The URL host name could not be resolved.',
  timeout: 'The URL did not respond in time.',
  too_large: 'The response from the URL is larger than allowed.',
  bad_content_type: 'The response from the URL is not a supported media type.',
  too_many_redirects: 'The URL redirected too many times.',
  connect_failed: 'The URL could not be reached.',
}

/** A refused or failed fetch; `message` is safe to show the customer. */
export class SafeFetchError extends Error {
  readonly code: SafeFetchCode
  /** Body bytes received before giving up (set for `too_large`). */
  readonly bytesRead: number | undefined

  constructor(code: SafeFetchCode, message?: string, opts: { cause?: unknown; bytesRead?: number } = {}) {
    super(message ?? MESSAGES[code], { cause: opts.cause })
    this.name = 'SafeFetchError'
    this.code = code
    this.bytesRead = opts.bytesRead
  }
}

export type LookupAddress = { address: string; family: number }
/** Resolves every A/AAAA record of a host name. */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>

export type SafeFetchOptions = {
  policy: UrlPolicy
  /** (Default: 'GET') POST is never redirected. */
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** Total budget for DNS, connect, headers and body. */
  timeoutMs: number
  maxBytes: number
  /** Redirect hops to follow for GET; 0 returns the 3xx as-is. */
  followRedirects: number
  /** Content-Type prefixes accepted for 2xx responses, e.g. ['image/', 'video/']. */
  acceptMime?: string[]
  signal?: AbortSignal
  /** (Default: `dns.lookup(host, { all: true })`) Injected by tests. */
  lookup?: LookupFn
  /** (Default: `isBlockedAddress`) Injected by tests, which have no public address to reach. */
  isBlocked?: (ip: string) => boolean
}

export type SafeFetchResult = {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
  finalUrl: string
  remoteAddress: string
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
// Only meaningful to the origin that was given them.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization']

const defaultLookup: LookupFn = (host) => dnsLookup(host, { all: true, verbatim: true })

/**
 * Fetches a customer-supplied URL. Each hop is checked against `policy`, its host resolved
 * once, and the connection pinned to the checked addresses, so DNS rebinding cannot swap in
 * a private address between check and connect. Throws `SafeFetchError`; a caller's own abort
 * rejects with its signal's reason.
 */
export async function safeFetch(rawUrl: string, opts: SafeFetchOptions): Promise<SafeFetchResult> {
  const deadline = AbortSignal.timeout(opts.timeoutMs)
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline
  const follow = (opts.method ?? 'GET') === 'GET' ? opts.followRedirects : 0
  let headers = requestHeaders(opts.headers)
  let current = rawUrl
  try {
    for (let hop = 0; ; hop++) {
      const url = checkedUrl(current, opts.policy)
      const addresses = await resolveHost(url, opts, signal)
      const res = await exchange(url, addresses, headers, opts, signal, follow > 0)
      if (!('location' in res)) return res
      if (hop >= follow) throw new SafeFetchError('too_many_redirects')
      if (res.location.origin !== url.origin) headers = withoutKeys(headers, ORIGIN_BOUND_HEADERS)
      current = res.location.href
    }
  } catch (err) {
    throw classify(err, deadline, opts.signal)
  }
}

function checkedUrl(raw: string, policy: UrlPolicy): URL {
  const r = checkUrlSyntax(raw, policy)
  if (!r.ok) throw new SafeFetchError(r.code, `The URL ${r.reason}.`)
  return r.url
}

async function resolveHost(url: URL, opts: SafeFetchOptions, signal: AbortSignal): Promise<string[]> {
  const host = bareHost(url)
  let addresses: string[]
  if (isIP(host) !== 0) addresses = [host]
  else {
    try {
      addresses = (await raceSignal((opts.lookup ?? defaultLookup)(host), signal)).map((a) => a.address)
    } catch (err) {
      if (signal.aborted) throw err
      throw new SafeFetchError('dns_failed', undefined, { cause: err })
    }
    if (addresses.length === 0) throw new SafeFetchError('dns_failed')
  }
  // Any blocked record refuses the host: we cannot tell which one a later connect would use.
  if (!opts.policy.allowPrivate && addresses.some(opts.isBlocked ?? isBlockedAddress)) throw new SafeFetchError('address_not_allowed')
  return addresses
}

/** One request to one hop; returns the redirect target when the hop should be followed. */
async function exchange(
  url: URL,
  addresses: string[],
  headers: Record<string, string>,
  opts: SafeFetchOptions,
  signal: AbortSignal,
  followable: boolean,
): Promise<SafeFetchResult | { location: URL }> {
  const pinned = pinnedAgentFor(await loadUndici(), url.origin, addresses, opts.timeoutMs)
  const agent = pinned.agent
  try {
    const res = await agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: opts.method ?? 'GET',
      headers,
      body: opts.body ?? null,
      signal,
    })
    const location = res.headers.location
    if (followable && REDIRECTS.has(res.statusCode) && typeof location === 'string') {
      discard(res.body)
      try {
        return { location: new URL(location, url) }
      } catch {
        throw new SafeFetchError('invalid_url', 'The URL redirected to an invalid URL.')
      }
    }
    const ok = res.statusCode >= 200 && res.statusCode < 300
    const body = await readBody(res, opts.maxBytes, ok ? opts.acceptMime : undefined)
    return { status: res.statusCode, headers: cleanHeaders(res.headers), body, finalUrl: url.href, remoteAddress: pinned.remote }
  } finally {
    pinned.release()
  }
}

interface PinnedEntry {
  agent: Agent
  /** The address its last connection landed on (one of the checked ones). */
  remote: string
  timer?: NodeJS.Timeout
  release(): void
}

// Pinned agents are kept for reuse, keyed by origin, checked addresses and timeout, so a host
// called again soon (a webhook receiver, an upstream's file server) gets a kept-alive connection
// instead of a TCP handshake per request. Reuse is as safe as a fresh agent: an agent only ever
// connects to the addresses it was made for, and every request checks the URL and resolves the
// host first, so a host whose DNS now says something else gets another agent, or is refused.
const AGENT_IDLE_MS = 30_000
const AGENTS_MAX = 64
const agents = new Map<string, PinnedEntry>()

function pinnedAgentFor(undici: typeof import('undici'), origin: string, addresses: string[], timeoutMs: number): PinnedEntry {
  const key = `${origin} ${timeoutMs} ${[...addresses].sort().join(',')}`
  let entry = agents.get(key)
  if (entry) {
    // Most recently used last, so the first key is the one to evict.
    agents.delete(key)
    agents.set(key, entry)
  } else {
    if (agents.size >= AGENTS_MAX) {
      const [oldKey, old] = agents.entries().next().value as [string, PinnedEntry]
      agents.delete(oldKey)
      clearTimeout(old.timer)
      old.agent.close().catch(() => {})
    }
    const made: PinnedEntry = {
      agent: pinnedAgent(undici, addresses, timeoutMs, (a) => (made.remote = a)),
      remote: addresses[0] ?? '',
      release() {
        clearTimeout(made.timer)
        made.timer = setTimeout(() => {
          if (agents.get(key) === made) agents.delete(key)
          made.agent.close().catch(() => {})
        }, AGENT_IDLE_MS).unref()
      },
    }
    entry = made
    agents.set(key, entry)
  }
  clearTimeout(entry.timer)
  return entry
}

/**
 * An agent whose every connection goes to `addresses` whatever DNS says now, and whose socket
 * must really have landed on one of them.
 */
function pinnedAgent({ Agent, buildConnector }: typeof import('undici'), addresses: string[], timeoutMs: number, onConnect: (address: string) => void): Agent {
  const allowed = new Set(addresses.map(canonicalIp))
  const lookup: LookupFunction = (_host, options, cb) => {
    const all = addresses
      .map((address) => ({ address, family: isIP(address) }))
      .filter((a) => !options.family || a.family === options.family)
    const first = all[0]
    if (!first) return cb(Object.assign(new Error('no pinned address for family'), { code: 'ENOTFOUND' }), '')
    if (options.all) cb(null, all)
    else cb(null, first.address, first.family)
  }
  const connector = buildConnector({ timeout: timeoutMs, lookup })
  return new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connections: 64,
    connect: (options, callback) =>
      connector(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('connect failed'), null)
        const remote = socket.remoteAddress ?? ''
        if (!allowed.has(canonicalIp(remote))) {
          socket.destroy()
          return callback(new SafeFetchError('address_not_allowed'), null)
        }
        onConnect(remote)
        callback(null, socket)
      }),
  })
}

async function readBody(res: Dispatcher.ResponseData, maxBytes: number, acceptMime: string[] | undefined): Promise<Buffer> {
  const declared = Number(res.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res.body)
    throw new SafeFetchError('too_large', undefined, { bytesRead: 0 })
  }
  let families = null as ReturnType<typeof familiesToSniff>
  if (acceptMime) {
    const raw = res.headers['content-type']
    const mime = (typeof raw === 'string' ? raw : '').split(';')[0]!.trim().toLowerCase()
    if (!acceptMime.some((p) => mime.startsWith(p.toLowerCase()))) {
      discard(res.body)
      throw new SafeFetchError('bad_content_type')
    }
    families = familiesToSniff(mime)
  }
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > maxBytes) throw new SafeFetchError('too_large', undefined, { bytesRead: total })
    chunks.push(chunk)
    // Sniff as soon as the header bytes are in, so a lying server is cut off early.
    if (families && total >= SNIFF_BYTES) {
      checkSniff(Buffer.concat(chunks), families)
      families = null
    }
  }
  const body = Buffer.concat(chunks, total)
  if (families) checkSniff(body, families)
  return body
}

// Destroying an undici body emits an AbortError; nobody else listens, so swallow it here.
function discard(body: Dispatcher.ResponseData['body']) {
  body.on('error', () => {})
  body.destroy()
}

function checkSniff(head: Buffer, want: NonNullable<ReturnType<typeof familiesToSniff>>) {
  const got = sniffMedia(head)
  if (!got.some((f) => want.includes(f))) throw new SafeFetchError('bad_content_type')
}

// undici's timeout errors by their codes, so this module need not load undici to tell them.
const UNDICI_TIMEOUTS = new Set<unknown>(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

function classify(err: unknown, deadline: AbortSignal, callerSignal: AbortSignal | undefined): unknown {
  if (err instanceof SafeFetchError) return err
  if (callerSignal?.aborted) return callerSignal.reason
  if (deadline.aborted || UNDICI_TIMEOUTS.has((err as { code?: unknown } | null)?.code)) {
    return new SafeFetchError('timeout', undefined, { cause: err })
  }
  return new SafeFetchError('connect_failed', undefined, { cause: err })
}

function requestHeaders(given: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(given ?? {})) out[k.toLowerCase()] = v
  // Host must match the URL we checked; we never decompress, so ask for none.
  delete out.host
  out['accept-encoding'] = 'identity'
  return out
}

function withoutKeys(h: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !keys.includes(k)))
}

function cleanHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v
  return out
}

function canonicalIp(ip: string): string {
  return ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : ip
}

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
