import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createCallbacks, createScript, MIN_MP4, send, sendReply, serveVideo, startFakeServer, videoControls, type DownloadFault, type FakeReply, type FakeVideoUpstream, type Incoming, type Preset, type RecordedRequest } from './fake-kit.js'

/**
 * A fake fal.ai queue API on 127.0.0.1: `{url}` plays `https://queue.fal.run`. Requests live in
 * one Map and move only on status GETs or `advance()`, never on timers. Completion webhooks are
 * signed with a fresh Ed25519 key whose public half is `jwks`.
 */

export type FalStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED'
export type FakeFalOp = 'submit' | 'status' | 'result' | 'cancel' | 'any'
/**
 * How a request ends. `reject` = result 422 `content_policy_violation`; `invalid` = result 422
 * validation error; `fail` = result 500 with an `error_type` (fal's own retries exhausted).
 */
export type FakeFalOutcome = { kind: 'succeed' } | { kind: 'reject' } | { kind: 'invalid' } | { kind: 'fail'; errorType?: string }

export interface FakeFalRequest {
  id: string
  gatewayId: string
  app: string
  root: string
  status: FalStatus
  /** The submitted input exactly as received. */
  input: Record<string, unknown>
  webhookUrl: string | undefined
  outcome: FakeFalOutcome
  cancelled: boolean
  gets: number
}

export interface FakeFalOptions {
  apiKey?: string
  /** Status GETs a request answers in IN_QUEUE and in IN_PROGRESS before moving on; 0 = only `advance()`. Default 1. */
  getsPerStep?: number
  /** App ids that exist; others get 404 on submit. Default: any. */
  apps?: string[]
  video?: Uint8Array
  outcomeFor?: (app: string, input: Record<string, unknown>) => FakeFalOutcome
  record?: boolean
  /** Clock for webhook timestamps. Default Date.now. */
  now?: () => number
  /** The `X-Fal-Webhook-User-Id` sent with webhooks. */
  userId?: string
}

export interface FakeFal extends FakeVideoUpstream<FakeFalOp, FakeFalOutcome, FalStatus> {
  /** The public key set to give the adapter as `options.falJwks`. */
  jwks: { keys: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' }[] }
  /** The signing key, for tests that forge webhooks. */
  privateKey: KeyObject
  queue: Map<string, FakeFalRequest>
  /** Signs a webhook body the way fal does; returns the headers. */
  signWebhook(requestId: string, rawBody: string, timestampSec?: number): Record<string, string>
}

/** fal's `{owner}/{alias}`: first two segments, three under `workflows/` and `comfy/`. */
function rootOf(app: string): string {
  const parts = app.split('/').filter(Boolean)
  return parts.slice(0, parts[0] === 'workflows' || parts[0] === 'comfy' ? 3 : 2).join('/')
}

const PRESETS: Record<string, Preset> = {
  'rate-limited': { status: 429, body: { detail: 'Too many requests: concurrent request limit of 10 reached for user 4f1c.' } },
  'server-error': { status: 500, body: { detail: 'Internal Server Error: upstream runner crashed unexpectedly.' } },
  unavailable: { status: 503, body: { detail: 'Service Unavailable: queue is temporarily overloaded.' } },
  'content-rejected': {
    status: 422,
    body: { detail: [{ loc: ['body', 'prompt'], msg: 'The prompt was flagged by the moderation filter (policy 7b).', type: 'content_policy_violation', input: '…' }] },
  },
  'invalid-input': { status: 422, body: { detail: [{ loc: ['body', 'duration'], msg: "Input should be 'auto', '4', '5' or '6'", type: 'literal_error' }] } },
  unauthorized: { status: 401, body: { detail: 'Authentication is required to access this application. Key fal-key-guess is not valid.' } },
  'model-not-found': { status: 404, body: { detail: 'Application "bytedance/nope" not found.' } },
}

export async function startFakeFal(opts: FakeFalOptions = {}): Promise<FakeFal> {
  const apiKey = opts.apiKey ?? 'fal-test-key:0123456789abcdef'
  const getsPerStep = opts.getsPerStep ?? 1
  const now = opts.now ?? Date.now
  const video = opts.video ?? MIN_MP4
  const record = opts.record ?? true
  const userId = opts.userId ?? 'user-fake-1'
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const pub = publicKey.export({ format: 'jwk' })
  const jwks: FakeFal['jwks'] = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: String(pub.x), kid: 'fake-1', use: 'sig', alg: 'EdDSA' }] }
  const queue = new Map<string, FakeFalRequest>()
  const requests: RecordedRequest[] = []
  const callbacks = createCallbacks()
  const downloads: { fault: DownloadFault | null } = { fault: null }
  const scripted = createScript<FakeFalOp>()
  const outcomes: FakeFalOutcome[] = []
  let origin = ''

  const urls = (r: FakeFalRequest) => {
    const base = `${origin}/${r.root}/requests/${r.id}`
    return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` }
  }

  /** The result endpoint's answer for a COMPLETED request. */
  function result(r: FakeFalRequest): { status: number; body: unknown; headers?: Record<string, string> } {
    if (r.cancelled) return { status: 400, body: { detail: 'Request was cancelled by the user.' } }
    const o = r.outcome
    if (o.kind === 'succeed') {
      return { status: 200, body: { video: { url: `${origin}/files/${r.id}.mp4`, content_type: 'video/mp4', file_name: 'output.mp4', file_size: video.byteLength }, seed: 424242 } }
    }
    if (o.kind === 'reject') return PRESETS['content-rejected']!
    if (o.kind === 'invalid') return PRESETS['invalid-input']!
    const errorType = o.errorType ?? 'runner_disconnected'
    return { status: 500, body: { detail: 'Runner disconnected while processing the request.', error_type: errorType }, headers: { 'x-fal-error-type': errorType } }
  }

  function signWebhook(requestId: string, rawBody: string, timestampSec = Math.floor(now() / 1000)): Record<string, string> {
    const hash = createHash('sha256').update(rawBody).digest('hex')
    const sig = sign(null, Buffer.from(`${requestId}\n${userId}\n${timestampSec}\n${hash}`), privateKey).toString('hex')
    return {
      'content-type': 'application/json',
      'x-fal-webhook-request-id': requestId,
      'x-fal-webhook-user-id': userId,
      'x-fal-webhook-timestamp': String(timestampSec),
      'x-fal-webhook-signature': sig,
    }
  }

  function webhook(r: FakeFalRequest): void {
    if (!r.webhookUrl) return
    const res = result(r)
    const ok = res.status >= 200 && res.status < 300
    const body = { request_id: r.id, gateway_request_id: r.gatewayId, status: ok ? 'OK' : 'ERROR', payload: res.body, ...(ok ? {} : { error: `Invalid status code: ${res.status}` }) }
    const rawBody = JSON.stringify(body)
    callbacks.post(r.webhookUrl, signWebhook(r.id, rawBody), rawBody, body)
  }

  function setStatus(r: FakeFalRequest, status: FalStatus): void {
    r.status = status
    r.gets = 0
    if (status === 'COMPLETED') webhook(r)
  }

  function advance(id: string): FalStatus {
    const r = queue.get(id)
    if (!r) throw new Error(`fake fal: no request ${id}`)
    if (r.status === 'IN_QUEUE') setStatus(r, 'IN_PROGRESS')
    else if (r.status === 'IN_PROGRESS') setStatus(r, 'COMPLETED')
    return r.status
  }

  function reply(res: ServerResponse, r: FakeReply, retryAfterSec: number): void {
    sendReply(res, r, retryAfterSec, { name: 'fake fal', presets: PRESETS, malformed: '{"status": "IN_QUEUE", "request_id": ' })
  }

  function submit(app: string, input: unknown, webhookUrl: string | null, res: ServerResponse): void {
    if (opts.apps && !opts.apps.includes(app)) return reply(res, 'model-not-found', 0)
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return send(res, 422, { detail: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] })
    }
    const rec = input as Record<string, unknown>
    const r: FakeFalRequest = {
      id: randomUUID(),
      gatewayId: randomUUID(),
      app,
      root: rootOf(app),
      status: 'IN_QUEUE',
      input: rec,
      webhookUrl: webhookUrl ?? undefined,
      outcome: outcomes.shift() ?? opts.outcomeFor?.(app, rec) ?? { kind: 'succeed' },
      cancelled: false,
      gets: 0,
    }
    queue.set(r.id, r)
    send(res, 200, { status: 'IN_QUEUE', request_id: r.id, gateway_request_id: r.gatewayId, ...urls(r), queue_position: 0 }, { 'x-fal-request-id': r.id })
  }

  function status(r: FakeFalRequest, res: ServerResponse): void {
    const body =
      r.status === 'IN_QUEUE'
        ? { status: r.status, request_id: r.id, ...urls(r), queue_position: 0 }
        : r.status === 'IN_PROGRESS'
          ? { status: r.status, request_id: r.id, ...urls(r), logs: [] }
          : { status: r.status, request_id: r.id, ...urls(r), logs: [], metrics: { inference_time: 42.5 } }
    r.gets++
    if (getsPerStep > 0 && r.gets >= getsPerStep && r.status !== 'COMPLETED') advance(r.id)
    send(res, 200, body)
  }

  function cancel(r: FakeFalRequest, res: ServerResponse): void {
    if (r.status === 'COMPLETED') return send(res, 400, { status: 'ALREADY_COMPLETED' })
    r.cancelled = true
    setStatus(r, 'COMPLETED')
    send(res, 202, { status: 'CANCELLATION_REQUESTED' })
  }

  function handle(req: IncomingMessage, res: ServerResponse, incoming: Incoming): void {
    const { method, url: u, body } = incoming
    if (serveVideo(res, incoming, video, (id) => queue.has(id), downloads.fault)) return
    if (method === 'GET' && u.pathname === '/.well-known/jwks.json') return send(res, 200, jwks)

    const m = /^\/(.+)\/requests\/([\w-]+)(\/status|\/cancel)?$/.exec(u.pathname)
    const op: FakeFalOp | null = m ? (m[3] === '/status' ? 'status' : m[3] === '/cancel' ? 'cancel' : 'result') : method === 'POST' ? 'submit' : null
    const s = op ? scripted.take(op) : undefined
    if (s) return reply(res, s.reply, s.retryAfterSec)
    if (req.headers.authorization !== `Key ${apiKey}`) return reply(res, 'unauthorized', 0)
    if (op === 'submit') return submit(u.pathname.slice(1), body, u.searchParams.get('fal_webhook'), res)
    const r = m ? queue.get(m[2] ?? '') : undefined
    // The status/result/cancel paths must use the app's root, not its full id.
    if (!m || !r || r.root !== m[1]) return send(res, 404, { detail: 'Request not found' })
    if (op === 'status' && method === 'GET') return status(r, res)
    if (op === 'cancel' && method === 'PUT') return cancel(r, res)
    if (op === 'result' && method === 'GET') {
      if (r.status !== 'COMPLETED') return send(res, 400, { detail: 'Request is still in progress' })
      const out = result(r)
      return send(res, out.status, out.body, out.headers)
    }
    send(res, 405, { detail: 'Method Not Allowed' })
  }

  const server = await startFakeServer(handle, { requests: record ? requests : undefined, crashBody: (e) => ({ detail: String(e) }) })
  origin = server.origin

  return {
    url: origin,
    apiKey,
    jwks,
    privateKey,
    requests,
    queue,
    signWebhook,
    ...videoControls({ server, callbacks, scripted, downloads, outcomes, advance, terminal: (s) => s === 'COMPLETED' }),
  }
}
