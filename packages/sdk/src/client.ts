import { APIConnectionError, APIError } from './errors.js'
import { DEFAULT_BACKOFF, realSleep, retryAfterMs, retryDelayMs, shouldRetry, type BackoffOptions, type Sleep } from './retry.js'
import { Jobs, type DownloadOptions, type DownloadedFile } from './resources/jobs.js'
import { Images, Videos } from './resources/create.js'
import { UsageResource } from './resources/usage.js'
import { Webhooks } from './webhooks.js'
import type { QuoteParams, Quote } from './types.js'

export interface ReelayOptions {
  /** `rl_…` key; defaults to `REELAY_API_KEY`. */
  apiKey?: string
  /** e.g. `https://reelay.example.com`; defaults to `REELAY_BASE_URL`, then `http://localhost:8080`. */
  baseURL?: string
  /** Retries after the first attempt, on 408/409-in-flight/429/5xx and connection errors (default 2). */
  maxRetries?: number
  /** Per-attempt time limit in ms (default 60 000). */
  timeout?: number
  fetch?: typeof fetch
  /** How the SDK waits (retries, polls): injectable so tests never sleep in real time. */
  sleep?: Sleep
  /** Milliseconds since the epoch; injectable with `sleep` (wait timeouts are measured with it). */
  now?: () => number
  backoff?: Partial<BackoffOptions>
  /** Makes the automatic Idempotency-Key of each create (default `crypto.randomUUID()`). */
  idempotencyKey?: () => string
}

export interface RequestOptions {
  signal?: AbortSignal | undefined
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number | undefined
  headers?: Record<string, string>
}

interface Call extends RequestOptions {
  body?: unknown
  query?: Record<string, string | number | undefined>
}

const env = (name: string): string | undefined => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name]

/** The Reelay API client: `new Reelay({ apiKey })`. */
export class Reelay {
  readonly baseURL: string
  readonly jobs: Jobs
  readonly videos: Videos
  readonly images: Images
  readonly usage: UsageResource
  readonly webhooks = new Webhooks()
  /** @internal */ readonly sleep: Sleep
  /** @internal */ readonly now: () => number
  /** @internal */ readonly newIdempotencyKey: () => string
  readonly #apiKey: string | undefined
  readonly #maxRetries: number
  readonly #timeout: number
  readonly #fetch: typeof fetch
  readonly #backoff: BackoffOptions

  constructor(opts: ReelayOptions = {}) {
    this.baseURL = (opts.baseURL ?? env('REELAY_BASE_URL') ?? 'http://localhost:8080').replace(/\/+$/, '')
    this.#apiKey = opts.apiKey ?? env('REELAY_API_KEY')
    this.#maxRetries = opts.maxRetries ?? 2
    this.#timeout = opts.timeout ?? 60_000
    this.#fetch = opts.fetch ?? ((...args) => globalThis.fetch(...args))
    this.#backoff = { ...DEFAULT_BACKOFF, ...opts.backoff }
    this.sleep = opts.sleep ?? realSleep
    this.now = opts.now ?? (() => Date.now())
    this.newIdempotencyKey = opts.idempotencyKey ?? (() => globalThis.crypto.randomUUID())
    this.jobs = new Jobs(this)
    this.videos = new Videos(this)
    this.images = new Images(this)
    this.usage = new UsageResource(this)
  }

  /**
   * The price in credits of a request, before submitting it: `{type: 'video', ...params}` or
   * `{type: 'image', ...params}` for the native routes. Nothing is held. Needs a server with
   * `POST /v1/quote` (the billing work); older servers answer 404.
   */
  quote(params: QuoteParams, opts: RequestOptions = {}): Promise<Quote> {
    const { type, ...body } = params
    return this.quoteFor(type === 'video' ? '/v1/videos/generate' : '/v1/images/generate', body, opts)
  }

  /** The price of a submit body of any dialect, named by its route (`/api/v1/jobs/createTask`, `/v1/videos`, …). */
  quoteFor(route: string, body: object, opts: RequestOptions = {}): Promise<Quote> {
    return this.request<Quote>('POST', '/v1/quote', { ...opts, body, query: { for: route } })
  }

  /** An output of a finished job: its bytes, or streamed to the file `to` (see `jobs.download`). */
  download(jobId: string, opts: DownloadOptions & { to: string }): Promise<DownloadedFile>
  download(jobId: string, opts?: DownloadOptions): Promise<Uint8Array>
  download(jobId: string, opts: DownloadOptions & { to?: string } = {}): Promise<Uint8Array | DownloadedFile> {
    return this.jobs.download(jobId, opts as DownloadOptions & { to: string })
  }

  /** An authenticated fetch with retries; the Response is returned unread when `ok`. @internal */
  async fetchRaw(method: string, url: string, call: Call = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers }
    // The key goes only to the API's own origin, never to a storage host a result URL names.
    if (this.#apiKey && new URL(url).origin === new URL(this.baseURL).origin) headers.authorization = `Bearer ${this.#apiKey}`
    // A form (file uploads) sets its own multipart content type and boundary.
    const form = typeof FormData !== 'undefined' && call.body instanceof FormData
    if (call.body !== undefined && !form) headers['content-type'] = 'application/json'
    const maxRetries = call.maxRetries ?? this.#maxRetries
    for (let attempt = 0; ; attempt++) {
      // The time limit covers getting the answer's headers, not reading a long download's body.
      const limit = new AbortController()
      const timer = setTimeout(() => limit.abort(new Error(`no answer within ${this.#timeout} ms`)), this.#timeout)
      const signal = call.signal ? AbortSignal.any([limit.signal, call.signal]) : limit.signal
      let res: Response
      try {
        res = await this.#fetch(url, { method, headers, ...(call.body === undefined ? {} : { body: form ? (call.body as FormData) : JSON.stringify(call.body) }), signal })
      } catch (err) {
        // The caller's abort ends the call at once; anything else is the network, worth a retry.
        if (call.signal?.aborted) throw call.signal.reason
        if (attempt >= maxRetries) throw new APIConnectionError(`Could not reach ${new URL(url).origin}: ${(err as Error).message}`, { cause: err })
        await this.sleep(retryDelayMs(attempt, undefined, this.#backoff), call.signal)
        continue
      } finally {
        clearTimeout(timer)
      }
      if (res.ok) return res
      if (attempt < maxRetries && shouldRetry(res.status, res.headers)) {
        await res.body?.cancel()
        await this.sleep(retryDelayMs(attempt, retryAfterMs(res.headers, this.now()), this.#backoff), call.signal)
        continue
      }
      throw await errorOf(res, this.now())
    }
  }

  /** A JSON call to the API, its `ok` flag dropped. @internal */
  async request<T>(method: string, path: string, call: Call = {}): Promise<T> {
    const res = await this.fetchRaw(method, this.url(path, call.query), call)
    return stripOk(await res.json()) as T
  }

  /** Like `request`, with the response's status and headers (poll hints, 202s). @internal */
  async requestWithMeta<T>(method: string, path: string, call: Call = {}): Promise<{ data: T; status: number; headers: Headers }> {
    const res = await this.fetchRaw(method, this.url(path, call.query), call)
    return { data: stripOk(await res.json()) as T, status: res.status, headers: res.headers }
  }

  /** @internal */
  url(path: string, query?: Record<string, string | number | undefined>): string {
    const u = new URL(this.baseURL + path)
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v))
    return u.toString()
  }
}

function stripOk(body: unknown): unknown {
  if (body && typeof body === 'object' && 'ok' in body) {
    const { ok: _ok, ...rest } = body as Record<string, unknown>
    return rest
  }
  return body
}

async function errorOf(res: Response, nowMs: number): Promise<APIError> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON (a proxy's page): the status still picks the class.
  }
  const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown; param?: unknown; requestId?: unknown } } | null)?.error
  const ms = retryAfterMs(res.headers, nowMs)
  return APIError.from({
    status: res.status,
    code: typeof e?.code === 'string' ? e.code : `http_${res.status}`,
    message: typeof e?.message === 'string' ? e.message : `HTTP ${res.status}`,
    // `param` is the OpenAI dialect's name for it (its multipart upload routes).
    field: typeof e?.field === 'string' ? e.field : typeof e?.param === 'string' ? e.param : undefined,
    requestId: (typeof e?.requestId === 'string' ? e.requestId : undefined) ?? res.headers.get('x-request-id') ?? undefined,
    retryAfter: ms === undefined ? undefined : ms / 1000,
    headers: res.headers,
    body,
  })
}
