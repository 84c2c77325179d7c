import { createHmac, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createCallbacks, createScript, MIN_MP4, send, sendReply, serveVideo, startFakeServer, videoControls, type DownloadFault, type FakeReply, type FakeVideoUpstream, type Incoming, type Preset, type RecordedRequest } from './fake-kit.js'

/**
 * A fake Replicate predictions API on 127.0.0.1: `{url}` plays `https://api.replicate.com`.
 * Predictions live in one Map and move only on GETs or `advance()`, never on timers. Webhooks
 * are signed Standard-Webhooks style with `webhookSecret`.
 */

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted'
export type FakeReplicateOp = 'submit' | 'get' | 'cancel' | 'list' | 'any'
/** How a prediction ends. `reject` = failed with Replicate's E005 sensitive-content error. */
export type FakeReplicateOutcome = { kind: 'succeed' } | { kind: 'reject' } | { kind: 'abort' } | { kind: 'fail'; error?: string }

export interface FakePrediction {
  id: string
  model: string
  version: string
  status: PredictionStatus
  /** The create body exactly as received. */
  request: Record<string, unknown>
  input: Record<string, unknown>
  webhook: string | undefined
  webhookEventsFilter: string[] | undefined
  outcome: FakeReplicateOutcome
  error: string | null
  gets: number
  createdAt: number
  startedAt: number | null
  completedAt: number | null
}

export interface FakeReplicateOptions {
  apiKey?: string
  /** GETs a prediction answers in `starting` and in `processing` before moving on; 0 = only `advance()`. Default 1. */
  getsPerStep?: number
  /** `owner/name` models that exist; others get 404 on create. Default: any. */
  models?: string[]
  video?: Uint8Array
  outcomeFor?: (input: Record<string, unknown>) => FakeReplicateOutcome
  record?: boolean
  now?: () => number
  /** The signing secret (`whsec_<base64>`). Default: a random one. */
  webhookSecret?: string
  /** Answer create with `output` as `[url]` instead of `url`, as some models do. */
  arrayOutput?: boolean
}

export interface FakeReplicate extends FakeVideoUpstream<FakeReplicateOp, FakeReplicateOutcome, PredictionStatus> {
  webhookSecret: string
  predictions: Map<string, FakePrediction>
  /** Standard Webhooks headers for a body, as Replicate sends them. */
  signWebhook(rawBody: string, timestampSec?: number, msgId?: string): Record<string, string>
}

const TERMINAL = new Set<PredictionStatus>(['succeeded', 'failed', 'canceled', 'aborted'])

const PRESETS: Record<string, Preset> = {
  'rate-limited': { status: 429, body: { title: 'Request was throttled', detail: 'Request was throttled. Expected available in 7 seconds.', status: 429 } },
  'server-error': { status: 500, body: { title: 'Internal server error', detail: 'An unexpected error occurred (ref 9c1f).', status: 500 } },
  unavailable: { status: 503, body: { title: 'Service unavailable', detail: 'Replicate is temporarily unavailable (ref 77aa).', status: 503 } },
  'content-rejected': { status: 422, body: { title: 'Input flagged', detail: 'The input was flagged as sensitive (E005): nudity in image 2.', status: 422 } },
  'invalid-input': {
    status: 422,
    body: {
      title: 'Input validation failed',
      detail: '- input.duration: Must be less than or equal to 15',
      status: 422,
      invalid_fields: [{ type: 'less_than_equal', field: 'input.duration', description: 'Must be less than or equal to 15' }],
    },
  },
  unauthorized: { status: 401, body: { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token r8_guess', status: 401 } },
  'model-not-found': { status: 404, body: { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 } },
}

export async function startFakeReplicate(opts: FakeReplicateOptions = {}): Promise<FakeReplicate> {
  const apiKey = opts.apiKey ?? 'r8_fakeToken0123456789abcdef'
  const getsPerStep = opts.getsPerStep ?? 1
  const now = opts.now ?? Date.now
  const video = opts.video ?? MIN_MP4
  const record = opts.record ?? true
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`
  const predictions = new Map<string, FakePrediction>()
  const requests: RecordedRequest[] = []
  const callbacks = createCallbacks()
  const downloads: { fault: DownloadFault | null } = { fault: null }
  const scripted = createScript<FakeReplicateOp>()
  const outcomes: FakeReplicateOutcome[] = []
  let seq = 0
  let origin = ''

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  const view = (p: FakePrediction) => {
    const url = `${origin}/files/${p.id}.mp4`
    return {
      id: p.id,
      model: p.model,
      version: p.version,
      input: p.input,
      logs: p.status === 'starting' ? '' : 'Generating video...\n',
      output: p.status === 'succeeded' ? (opts.arrayOutput ? [url] : url) : null,
      data_removed: false,
      error: p.error,
      status: p.status,
      source: 'api',
      created_at: iso(p.createdAt),
      started_at: iso(p.startedAt),
      completed_at: iso(p.completedAt),
      urls: { get: `${origin}/v1/predictions/${p.id}`, cancel: `${origin}/v1/predictions/${p.id}/cancel`, web: `https://replicate.com/p/${p.id}` },
      ...(p.status === 'succeeded' ? { metrics: { predict_time: 61.2, total_time: 63.9 } } : {}),
      ...(p.webhook ? { webhook: p.webhook, webhook_events_filter: p.webhookEventsFilter ?? ['start', 'output', 'logs', 'completed'] } : {}),
    }
  }

  function signWebhook(rawBody: string, timestampSec = Math.floor(now() / 1000), msgId = `msg_${randomBytes(12).toString('hex')}`): Record<string, string> {
    const key = Buffer.from(webhookSecret.slice('whsec_'.length), 'base64')
    const sig = createHmac('sha256', key).update(`${msgId}.${timestampSec}.${rawBody}`).digest('base64')
    return { 'content-type': 'application/json', 'webhook-id': msgId, 'webhook-timestamp': String(timestampSec), 'webhook-signature': `v1,${sig}` }
  }

  function webhook(p: FakePrediction, event: 'start' | 'completed'): void {
    if (!p.webhook) return
    if (p.webhookEventsFilter && !p.webhookEventsFilter.includes(event)) return
    const body = view(p)
    const rawBody = JSON.stringify(body)
    callbacks.post(p.webhook, signWebhook(rawBody), rawBody, body)
  }

  function setStatus(p: FakePrediction, status: PredictionStatus): void {
    p.status = status
    p.gets = 0
    if (status === 'processing') {
      p.startedAt = now()
      webhook(p, 'start')
    }
    if (TERMINAL.has(status)) {
      p.completedAt = now()
      webhook(p, 'completed')
    }
  }

  function advance(id: string): PredictionStatus {
    const p = predictions.get(id)
    if (!p) throw new Error(`fake replicate: no prediction ${id}`)
    if (p.status === 'starting') {
      if (p.outcome.kind === 'abort') setStatus(p, 'aborted')
      else setStatus(p, 'processing')
    } else if (p.status === 'processing') {
      const o = p.outcome
      if (o.kind === 'succeed') setStatus(p, 'succeeded')
      else {
        p.error = o.kind === 'reject' ? 'The input or output was flagged as sensitive. Please try again with different inputs. (E005)' : o.kind === 'fail' ? (o.error ?? 'Prediction failed: CUDA out of memory.') : null
        setStatus(p, 'failed')
      }
    }
    return p.status
  }

  function reply(res: ServerResponse, r: FakeReply, retryAfterSec: number): void {
    sendReply(res, r, retryAfterSec, { name: 'fake replicate', presets: PRESETS, malformed: '{"id": "abc", "status": "starting", ' })
  }

  function create(model: string, version: string, body: unknown, res: ServerResponse): void {
    if (opts.models && model && !opts.models.includes(model)) return reply(res, 'model-not-found', 0)
    const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
    const input = b.input
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return send(res, 422, { title: 'Input validation failed', detail: '- input: Invalid type. Expected: object', status: 422 })
    }
    const filter = Array.isArray(b.webhook_events_filter) ? b.webhook_events_filter.map(String) : undefined
    const p: FakePrediction = {
      id: `${(++seq).toString(36).padStart(6, '0')}${randomBytes(10).toString('hex')}`.slice(0, 26),
      model: model || 'unknown/version-model',
      version: version || 'hidden',
      status: 'starting',
      request: b,
      input: input as Record<string, unknown>,
      webhook: typeof b.webhook === 'string' ? b.webhook : undefined,
      webhookEventsFilter: filter,
      outcome: outcomes.shift() ?? opts.outcomeFor?.(input as Record<string, unknown>) ?? { kind: 'succeed' },
      error: null,
      gets: 0,
      createdAt: now(),
      startedAt: null,
      completedAt: null,
    }
    predictions.set(p.id, p)
    send(res, 201, view(p))
  }

  function get(p: FakePrediction, res: ServerResponse): void {
    const body = view(p)
    p.gets++
    if (getsPerStep > 0 && p.gets >= getsPerStep && !TERMINAL.has(p.status)) advance(p.id)
    send(res, 200, body)
  }

  function cancel(p: FakePrediction, res: ServerResponse): void {
    if (!TERMINAL.has(p.status)) setStatus(p, 'canceled')
    send(res, 200, view(p))
  }

  function list(q: URLSearchParams, res: ServerResponse): void {
    const all = [...predictions.values()].reverse()
    const start = Number(q.get('cursor') ?? 0)
    const page = all.slice(start, start + 100)
    const next = start + 100 < all.length ? `${origin}/v1/predictions?cursor=${start + 100}` : null
    send(res, 200, { previous: null, next, results: page.map(view) })
  }

  function handle(req: IncomingMessage, res: ServerResponse, incoming: Incoming): void {
    const { method, url: u, body } = incoming
    if (serveVideo(res, incoming, video, (id) => predictions.has(id), downloads.fault)) return
    const official = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(u.pathname)
    const one = /^\/v1\/predictions\/([\w-]+)(\/cancel)?$/.exec(u.pathname)
    const op: FakeReplicateOp | null =
      method === 'POST' && (official || u.pathname === '/v1/predictions')
        ? 'submit'
        : one
          ? one[2]
            ? 'cancel'
            : 'get'
          : u.pathname === '/v1/predictions'
            ? 'list'
            : null
    const s = op ? scripted.take(op) : undefined
    if (s) return reply(res, s.reply, s.retryAfterSec)
    if (req.headers.authorization !== `Bearer ${apiKey}`) return reply(res, 'unauthorized', 0)
    if (method === 'GET' && u.pathname === '/v1/webhooks/default/secret') return send(res, 200, { key: webhookSecret })
    if (op === 'submit' && official) return create(`${decodeURIComponent(official[1] ?? '')}/${decodeURIComponent(official[2] ?? '')}`, '', body, res)
    if (op === 'submit') {
      const version = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).version : undefined
      if (typeof version !== 'string' || !version) return send(res, 422, { title: 'Input validation failed', detail: '- version: Required', status: 422 })
      return create('', version, body, res)
    }
    if (op === 'list' && method === 'GET') return list(u.searchParams, res)
    const p = one ? predictions.get(one[1] ?? '') : undefined
    if (!p) return send(res, 404, { title: 'Not found', detail: 'Not found.', status: 404 })
    if (op === 'get' && method === 'GET') return get(p, res)
    if (op === 'cancel' && method === 'POST') return cancel(p, res)
    send(res, 405, { detail: 'Method not allowed.', status: 405 })
  }

  const server = await startFakeServer(handle, { requests: record ? requests : undefined, crashBody: (e) => ({ detail: String(e) }) })
  origin = server.origin

  return {
    url: origin,
    apiKey,
    webhookSecret,
    predictions,
    requests,
    signWebhook,
    ...videoControls({ server, callbacks, scripted, downloads, outcomes, advance, terminal: (s) => TERMINAL.has(s) }),
  }
}
