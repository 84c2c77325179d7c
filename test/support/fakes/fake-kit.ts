import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'

/** The parts the fake video upstreams (ark, fal, replicate) share. */

/** A one-shot scripted answer; the named presets are each fake's upstream's exact error bodies. */
export type FakeReply =
  | 'hang'
  | 'malformed'
  | 'reset'
  /** 200 with an HTML page where JSON belongs (a proxy's error page). */
  | 'garbage'
  /** 200 whose body stops halfway: Content-Length promises more, then the socket closes. */
  | 'cut'
  | 'rate-limited'
  | 'server-error'
  | 'unavailable'
  | 'content-rejected'
  | 'invalid-input'
  | 'unauthorized'
  | 'model-not-found'
  | { status: number; body?: unknown; headers?: Record<string, string> }

export interface Preset {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

export interface RecordedCallback {
  url: string
  headers: Record<string, string>
  /** The exact bytes that were sent (and, where the upstream signs, signed). */
  rawBody: string
  body: unknown
  status?: number
  error?: string
}

export const MIN_MP4 = Uint8Array.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isommp41')])

export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export interface ReplyStyle {
  /** For error messages: `fake ark`. */
  name: string
  presets: Record<string, Preset>
  /** A truncated 2xx JSON body. */
  malformed: string
}

let injected = 0
/** Scripted replies and download faults served so far by every fake in this process. */
export const faultsInjected = (): number => injected

/** Answers with `r`; 429 and 503 presets carry `Retry-After: retryAfterSec`. */
export function sendReply(res: ServerResponse, r: FakeReply, retryAfterSec: number, style: ReplyStyle): void {
  injected++
  if (r === 'hang') return
  if (r === 'reset') return void res.socket?.destroy()
  if (r === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' })
    return void res.end(style.malformed)
  }
  if (r === 'garbage') {
    res.writeHead(200, { 'content-type': 'text/html' })
    return void res.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
  }
  if (r === 'cut') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(style.malformed.length * 2) })
    res.write(style.malformed)
    return void setImmediate(() => res.socket?.destroy())
  }
  const p = typeof r === 'string' ? style.presets[r] : r
  if (!p) throw new Error(`${style.name}: unknown reply ${String(r)}`)
  send(res, p.status, p.body, { ...(p.status === 429 || p.status === 503 ? { 'retry-after': String(retryAfterSec) } : {}), ...(p.headers ?? {}) })
}

/** Replies scripted per operation (`any` matches every one), each used `times` times. */
export function createScript<Op extends string>() {
  const scripted: { op: Op; reply: FakeReply; left: number; retryAfterSec: number }[] = []
  return {
    add(op: Op, reply: FakeReply, opts: { times?: number; retryAfterSec?: number } = {}): void {
      scripted.push({ op, reply, left: opts.times ?? 1, retryAfterSec: opts.retryAfterSec ?? 2 })
    },
    /** Ends every scripted fault (e.g. one added with `times: Infinity`). */
    clear(): void {
      scripted.length = 0
    },
    take(op: Op): { reply: FakeReply; retryAfterSec: number } | undefined {
      const i = scripted.findIndex((s) => s.op === op || s.op === 'any')
      const s = scripted[i]
      if (s && --s.left <= 0) scripted.splice(i, 1)
      return s
    },
  }
}

/** Callback POSTs sent in the background, each recorded with the answer it got. */
export function createCallbacks() {
  const list: RecordedCallback[] = []
  const inflight = new Set<Promise<void>>()
  return {
    list,
    post(url: string, headers: Record<string, string>, rawBody: string, body: unknown): void {
      const entry: RecordedCallback = { url, headers, rawBody, body }
      list.push(entry)
      const p = request(url, { method: 'POST', headers, body: rawBody, headersTimeout: 15_000, bodyTimeout: 15_000 })
        .then(async (res) => {
          entry.status = res.statusCode
          await res.body.dump()
        })
        .catch((e: unknown) => {
          entry.error = String(e)
        })
        .finally(() => inflight.delete(p))
      inflight.add(p)
    },
    /** Resolves once every callback POST started so far has been answered or failed. */
    async settled(): Promise<void> {
      while (inflight.size) await Promise.all([...inflight])
    },
  }
}

export interface Incoming {
  method: string
  url: URL
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty. */
  body: unknown
}

export interface FakeServer {
  origin: string
  close(): Promise<void>
}

/**
 * Serves `handle` on 127.0.0.1 after reading and parsing each request's body, recording it in
 * `requests` when given. A handler that throws gets a 500 with `crashBody` if nothing was sent.
 */
export async function startFakeServer(
  handle: (req: IncomingMessage, res: ServerResponse, incoming: Incoming) => void | Promise<void>,
  opts: { requests?: RecordedRequest[] | undefined; crashBody: (e: unknown) => unknown },
): Promise<FakeServer> {
  let origin = ''
  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', origin)
    const method = req.method ?? 'GET'
    let body: unknown
    try {
      body = raw ? JSON.parse(raw) : undefined
    } catch {
      body = raw
    }
    opts.requests?.push({ method, path: url.pathname + url.search, headers: req.headers, body })
    await handle(req, res, { method, url, body })
  }
  const server = createServer((req, res) => {
    void receive(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, opts.crashBody(e))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * How the result files are served while a fault is switched on: dripped slowly (still whole),
 * cut off halfway, or replaced by an HTML page.
 */
export type DownloadFault = { kind: 'slow'; bytesPerChunk: number; intervalMs: number } | { kind: 'cut' } | { kind: 'garbage' }

/** Serves `GET /files/{id}.mp4` for a known id; false when the request is not for a file. */
export function serveVideo(res: ServerResponse, incoming: Incoming, video: Uint8Array, known: (id: string) => boolean, fault: DownloadFault | null = null): boolean {
  const file = /^\/files\/([\w-]+)\.mp4$/.exec(incoming.url.pathname)
  if (incoming.method !== 'GET' || !file) return false
  if (!known(file[1] ?? '')) {
    send(res, 404)
    return true
  }
  if (fault) injected++
  if (fault?.kind === 'garbage') {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<html><body>Service Unavailable</body></html>')
    return true
  }
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': video.byteLength })
  if (fault?.kind === 'cut') {
    res.write(video.subarray(0, Math.floor(video.byteLength / 2)))
    setImmediate(() => res.socket?.destroy())
    return true
  }
  if (fault?.kind === 'slow') {
    let at = 0
    const drip = () => {
      if (res.destroyed) return
      const next = Math.min(video.byteLength, at + fault.bytesPerChunk)
      res.write(video.subarray(at, next))
      at = next
      if (at >= video.byteLength) res.end()
      else setTimeout(drip, fault.intervalMs)
    }
    drip()
    return true
  }
  res.end(video)
  return true
}

/** What every fake video upstream gives its tests. */
export interface FakeVideoUpstream<Op extends string, Outcome, Status> {
  url: string
  apiKey: string
  requests: RecordedRequest[]
  callbacks: RecordedCallback[]
  /** The next `times` (default 1; Infinity until `clearScript`) requests of `op` get `reply` instead of normal handling. */
  script(op: Op, reply: FakeReply, opts?: { times?: number; retryAfterSec?: number }): void
  clearScript(): void
  /** Switches a fault on result downloads on (or off with null). */
  downloadFault(fault: DownloadFault | null): void
  /** Queues outcomes for the next created tasks, in order. */
  nextOutcome(...outcomes: Outcome[]): void
  /** Moves a task one step; returns the new status. */
  advance(id: string): Status
  /** Advances a task until it is terminal. */
  finish(id: string): Status
  /** Resolves once every callback POST started so far has been answered or failed. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** The controls of a FakeVideoUpstream, from the parts a fake is built of. */
export function videoControls<Op extends string, Outcome, Status>(parts: {
  server: FakeServer
  callbacks: ReturnType<typeof createCallbacks>
  scripted: ReturnType<typeof createScript<Op>>
  outcomes: Outcome[]
  advance(id: string): Status
  terminal(status: Status): boolean
  downloads: { fault: DownloadFault | null }
}): Omit<FakeVideoUpstream<Op, Outcome, Status>, 'url' | 'apiKey' | 'requests'> {
  const { advance, terminal } = parts
  return {
    callbacks: parts.callbacks.list,
    script: parts.scripted.add,
    clearScript: parts.scripted.clear,
    downloadFault: (f) => void (parts.downloads.fault = f),
    nextOutcome: (...o) => void parts.outcomes.push(...o),
    advance,
    finish(id) {
      let s = advance(id)
      while (!terminal(s)) s = advance(id)
      return s
    },
    settled: parts.callbacks.settled,
    close: parts.server.close,
  }
}
