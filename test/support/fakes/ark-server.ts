import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createCallbacks, createScript, MIN_MP4, send, sendReply, serveVideo, startFakeServer, videoControls, type DownloadFault, type FakeReply, type FakeVideoUpstream, type Incoming, type Preset, type RecordedRequest } from './fake-kit.js'

/**
 * A fake BytePlus ModelArk / Volcengine Ark speaking the content-generation task protocol on
 * 127.0.0.1: `{url}` is the `/api/v3` base. Tasks live in one Map and move only on GETs or
 * `advance()`, never on timers, so thousands of tasks cost nothing while idle.
 */

export type ArkStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired'
export type FakeArkOp = 'submit' | 'get' | 'cancel' | 'list' | 'any'
/** How a task ends once it leaves `running`. `reject` = failed with an output moderation code. */
export type FakeArkOutcome = { kind: 'succeed' } | { kind: 'reject' } | { kind: 'expire' } | { kind: 'fail'; code?: string; message?: string }

export interface FakeArkTask {
  id: string
  model: string
  status: ArkStatus
  /** The create body exactly as received. */
  request: Record<string, unknown>
  callbackUrl: string | undefined
  outcome: FakeArkOutcome
  error: { code: string; message: string } | null
  /** GETs seen in the current status. */
  gets: number
  createdAt: number
  updatedAt: number
}

export interface FakeArkOptions {
  apiKey?: string
  /** GETs a task answers in each of `queued` and `running` before moving on; 0 = only `advance()`. Default 1. */
  getsPerStep?: number
  /** Upstream model ids the account may use; others get 404 `InvalidEndpointOrModel.NotFound`. Default: any. */
  models?: string[]
  /** Bytes served at each task's `video_url`. Default: a 24-byte `ftyp` box. */
  video?: Uint8Array
  /** Outcome for a task not given one by `nextOutcome`; may look at the create body. */
  outcomeFor?: (body: Record<string, unknown>) => FakeArkOutcome
  /** Keep `requests`; turn off for benchmarks. Default true. */
  record?: boolean
  /** Clock for `created_at`/`updated_at`. Default Date.now. */
  now?: () => number
}

/** `advance` moves a task queued → running → its outcome. */
export interface FakeArk extends FakeVideoUpstream<FakeArkOp, FakeArkOutcome, ArkStatus> {
  /** The API base, `http://127.0.0.1:{port}/api/v3`. */
  url: string
  origin: string
  tasks: Map<string, FakeArkTask>
}

const TERMINAL = new Set<ArkStatus>(['succeeded', 'failed', 'cancelled', 'expired'])

function arkError(status: number, type: string, code: string, message: string, param = ''): { status: number; body: unknown } {
  return { status, body: { error: { code, message: `${message} Request ID: 0217${randomBytes(8).toString('hex')}`, param, type } } }
}

const PRESETS: Record<string, Preset> = {
  'rate-limited': arkError(429, 'TooManyRequests', 'RateLimitExceeded.EndpointRPMExceeded', 'The request has exceeded the RPM limit of the endpoint.'),
  'server-error': arkError(500, 'InternalServiceError', 'InternalServiceError', 'The service encountered an unexpected internal error.'),
  unavailable: arkError(503, 'ServiceUnavailable', 'ServerOverloaded', 'The service is currently unable to handle additional requests due to server overload.'),
  'content-rejected': arkError(400, 'BadRequest', 'InputTextSensitiveContentDetected', 'The request failed because the input text may contain sensitive information.'),
  'invalid-input': arkError(400, 'BadRequest', 'InvalidParameter', 'The parameter `ratio` specified in the request is not valid.', 'ratio'),
  unauthorized: arkError(401, 'Unauthorized', 'AuthenticationError', 'The API key in the request is missing or invalid.'),
  'model-not-found': arkError(404, 'NotFound', 'InvalidEndpointOrModel.NotFound', 'The model or endpoint does not exist or you do not have access to it.'),
}

export async function startFakeArk(opts: FakeArkOptions = {}): Promise<FakeArk> {
  const apiKey = opts.apiKey ?? 'ark-test-key-0123456789'
  const getsPerStep = opts.getsPerStep ?? 1
  const now = opts.now ?? Date.now
  const video = opts.video ?? MIN_MP4
  const record = opts.record ?? true
  const tasks = new Map<string, FakeArkTask>()
  const requests: RecordedRequest[] = []
  const callbacks = createCallbacks()
  const downloads: { fault: DownloadFault | null } = { fault: null }
  const scripted = createScript<FakeArkOp>()
  const outcomes: FakeArkOutcome[] = []
  let seq = 0
  let origin = ''

  const view = (t: FakeArkTask) => {
    const r = t.request
    return {
      id: t.id,
      model: t.model,
      status: t.status,
      error: t.error,
      ...(t.status === 'succeeded' ? { content: { video_url: `${origin}/files/${t.id}.mp4` } } : {}),
      usage: t.status === 'succeeded' ? { completion_tokens: 108_900, total_tokens: 108_900 } : undefined,
      created_at: Math.floor(t.createdAt / 1000),
      updated_at: Math.floor(t.updatedAt / 1000),
      seed: typeof r.seed === 'number' && r.seed >= 0 ? r.seed : 12345,
      resolution: r.resolution ?? '720p',
      ratio: r.ratio ?? '16:9',
      duration: r.duration ?? 5,
      framespersecond: 24,
      generate_audio: r.generate_audio ?? true,
      service_tier: 'default',
      execution_expires_after: 172_800,
    }
  }

  function callback(t: FakeArkTask): void {
    if (!t.callbackUrl) return
    const body = view(t)
    callbacks.post(t.callbackUrl, { 'content-type': 'application/json' }, JSON.stringify(body), body)
  }

  function setStatus(t: FakeArkTask, status: ArkStatus): void {
    t.status = status
    t.gets = 0
    t.updatedAt = now()
    callback(t)
  }

  function advance(id: string): ArkStatus {
    const t = tasks.get(id)
    if (!t) throw new Error(`fake ark: no task ${id}`)
    if (t.status === 'queued') setStatus(t, 'running')
    else if (t.status === 'running') {
      const o = t.outcome
      if (o.kind === 'succeed') setStatus(t, 'succeeded')
      else if (o.kind === 'expire') setStatus(t, 'expired')
      else {
        t.error =
          o.kind === 'reject'
            ? { code: 'OutputVideoSensitiveContentDetected', message: 'The request failed because the output video may contain sensitive information.' }
            : { code: o.code ?? 'InternalServiceError', message: o.message ?? 'The task failed due to an internal error.' }
        setStatus(t, 'failed')
      }
    }
    return t.status
  }

  function reply(res: ServerResponse, r: FakeReply, retryAfterSec: number): void {
    sendReply(res, r, retryAfterSec, { name: 'fake ark', presets: PRESETS, malformed: '{"id": "cgt-oops", "status": ' })
  }

  function create(body: Record<string, unknown>, res: ServerResponse): void {
    const content = body.content
    if (typeof body.model !== 'string' || !Array.isArray(content) || content.length === 0) {
      const p = arkError(400, 'BadRequest', 'MissingParameter', 'The request failed because it is missing one or multiple required parameters.', 'content')
      return send(res, p.status, p.body)
    }
    if (opts.models && !opts.models.includes(body.model)) return reply(res, 'model-not-found', 0)
    const id = `cgt-${new Date(now()).toISOString().replace(/\D/g, '').slice(0, 14)}-${(++seq).toString(36).padStart(5, '0')}`
    const t: FakeArkTask = {
      id,
      model: body.model,
      status: 'queued',
      request: body,
      callbackUrl: typeof body.callback_url === 'string' ? body.callback_url : undefined,
      outcome: outcomes.shift() ?? opts.outcomeFor?.(body) ?? { kind: 'succeed' },
      error: null,
      gets: 0,
      createdAt: now(),
      updatedAt: now(),
    }
    tasks.set(id, t)
    send(res, 200, { id })
  }

  function get(id: string, res: ServerResponse): void {
    const t = tasks.get(id)
    if (!t) return notFound(res, id)
    const body = view(t)
    t.gets++
    if (getsPerStep > 0 && t.gets >= getsPerStep && !TERMINAL.has(t.status)) advance(id)
    send(res, 200, body)
  }

  function cancel(id: string, res: ServerResponse): void {
    const t = tasks.get(id)
    if (!t) return notFound(res, id)
    if (t.status === 'queued') setStatus(t, 'cancelled')
    else if (t.status === 'running' || t.status === 'cancelled') {
      const p = arkError(400, 'BadRequest', 'InvalidAction.TaskStatus', `The task in ${t.status} status cannot be cancelled or deleted.`)
      return send(res, p.status, p.body)
    } else tasks.delete(id)
    send(res, 200)
  }

  function notFound(res: ServerResponse, id: string): void {
    const p = arkError(404, 'NotFound', 'ResourceNotFound', `The specified task ${id} is not found.`)
    send(res, p.status, p.body)
  }

  function list(q: URLSearchParams, res: ServerResponse): void {
    const ids = q.getAll('filter.task_ids')
    const status = q.get('filter.status')
    const pageNum = Math.max(1, Number(q.get('page_num') ?? 1))
    const pageSize = Math.min(500, Math.max(1, Number(q.get('page_size') ?? 10)))
    const all = [...tasks.values()].filter((t) => (!ids.length || ids.includes(t.id)) && (!status || t.status === status)).reverse()
    send(res, 200, { total: all.length, items: all.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(view) })
  }

  function handle(req: IncomingMessage, res: ServerResponse, incoming: Incoming): void {
    const { method, url: u, body } = incoming
    if (serveVideo(res, incoming, video, (id) => tasks.has(id), downloads.fault)) return
    const m = /^\/api\/v3\/contents\/generations\/tasks(?:\/([^/]+))?$/.exec(u.pathname)
    const id = m?.[1] ? decodeURIComponent(m[1]) : undefined
    const op: FakeArkOp | null = !m ? null : !id ? (method === 'POST' ? 'submit' : 'list') : method === 'DELETE' ? 'cancel' : 'get'
    const s = op ? scripted.take(op) : undefined
    if (s) return reply(res, s.reply, s.retryAfterSec)
    if (req.headers.authorization !== `Bearer ${apiKey}`) return reply(res, 'unauthorized', 0)
    if (op === 'submit' && method === 'POST') {
      if (typeof body !== 'object' || body === null) return send(res, 400, arkError(400, 'BadRequest', 'InvalidParameter', 'The request body is not valid JSON.').body)
      return create(body as Record<string, unknown>, res)
    }
    if (op === 'list' && method === 'GET') return list(u.searchParams, res)
    if (op === 'get' && method === 'GET' && id) return get(id, res)
    if (op === 'cancel' && id) return cancel(id, res)
    send(res, 404, { error: { code: 'NotFound', message: `${method} ${u.pathname} is not an Ark route`, type: 'NotFound' } })
  }

  const server = await startFakeServer(handle, { requests: record ? requests : undefined, crashBody: (e) => ({ error: { code: 'FakeCrashed', message: String(e) } }) })
  origin = server.origin

  return {
    url: `${origin}/api/v3`,
    origin,
    apiKey,
    tasks,
    requests,
    ...videoControls({ server, callbacks, scripted, downloads, outcomes, advance, terminal: (s) => TERMINAL.has(s) }),
  }
}
