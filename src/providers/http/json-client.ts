import { ProviderError, type Provider, type ProviderContext, type ProviderJob } from '../provider.js'
import type { VideoParams } from '../../domain/params.js'
import { exchange, transportFailure } from './transport.js'
import { parseRetryAfter, PUBLIC_MESSAGES, redact, timeoutsFrom } from './common.js'

export { PUBLIC_MESSAGES, parseRetryAfter, redact, timeoutsFrom, type Timeouts } from './common.js'

export type FailureReason = 'content' | 'model_access'

/**
 * The one mapping from an upstream HTTP failure to a ProviderError. Adapters only decide the
 * `reason` from their own error codes; everything else follows from the status.
 */
export function classifyHttpFailure(f: { status: number; reason?: FailureReason; retryAfterMs?: number; detail: string }): ProviderError {
  const { status, reason, detail } = f
  const err = (kind: ProviderError['kind'], code: string, publicMessage: string, retryAfterMs?: number) =>
    new ProviderError({ kind, code, publicMessage, detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) })
  if (status === 429) return err('retryable', 'rate_limited', PUBLIC_MESSAGES.busy, f.retryAfterMs)
  if (status === 408 || status === 409 || status >= 500) return err('retryable', 'upstream_unavailable', PUBLIC_MESSAGES.unavailable, f.retryAfterMs)
  if (reason === 'model_access') return err('config', 'model_unavailable', PUBLIC_MESSAGES.config)
  if (reason === 'content' && status >= 400) return err('user', 'content_rejected', PUBLIC_MESSAGES.contentRejected)
  if (status === 401 || status === 403) return err('config', 'upstream_auth', PUBLIC_MESSAGES.config)
  if (status === 402) return err('config', 'upstream_billing', PUBLIC_MESSAGES.config)
  if (status === 404) return err('config', 'model_unavailable', PUBLIC_MESSAGES.config)
  if (status === 400 || status === 413 || status === 415 || status === 422) return err('user', 'invalid_input', PUBLIC_MESSAGES.invalidInput)
  // Redirects and odd 4xx mean the base URL or request shape is wrong, which is ours to fix.
  return err('config', 'upstream_rejected', PUBLIC_MESSAGES.config)
}

/** A non-2xx JSON answer → ProviderError, given the `reason` the adapter read from its body. */
export function responseFailure(res: JsonResponse, nowMs: number, reason: FailureReason | undefined): ProviderError {
  const retryAfterMs = parseRetryAfter(res.headers, nowMs)
  return classifyHttpFailure({ status: res.status, detail: res.detail, ...(reason ? { reason } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) })
}

/** Maps a failure to reach the upstream (no HTTP status) to a ProviderError. */
export function classifyTransportError(err: unknown, detail: string): ProviderError {
  const { outcome, code } = transportFailure(err)
  const base = { detail: `${detail}: ${code || String(err)}`, cause: err }
  if (outcome === 'not-sent') return new ProviderError({ ...base, kind: 'retryable', code: 'upstream_unavailable', publicMessage: PUBLIC_MESSAGES.unavailable })
  // Sent but unanswered (timeout, abort, anything unexpected): the upstream may have acted on it.
  return new ProviderError({ ...base, kind: 'unknown', code: outcome === 'timeout' ? 'upstream_timeout' : 'upstream_unknown', publicMessage: PUBLIC_MESSAGES.timeout })
}

export interface JsonResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Parsed body; undefined when the body was empty or (on a non-2xx) not JSON. */
  json: unknown
  /** `METHOD path → status: body excerpt`, with secrets redacted; for ProviderError.detail. */
  detail: string
}

export interface JsonClient {
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', pathOrUrl: string, body?: unknown): Promise<JsonResponse>
}

const MAX_BODY = 2 * 1024 * 1024

/**
 * A JSON-over-HTTP transport for one channel: base URL, auth header, timeouts, a size cap and
 * a guarded parse. Returns every HTTP status; throws ProviderError only when there is no usable
 * answer (transport failure, oversized or malformed 2xx body).
 */
export function createJsonClient(ctx: ProviderContext, opts: { label: string; authorization: string }): JsonClient {
  const base = ctx.channel.baseUrl.replace(/\/+$/, '')
  const t = timeoutsFrom(ctx.channel.options)
  const secrets = [ctx.channel.apiKey]
  return {
    async call(method, pathOrUrl, body) {
      const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`
      let pathname: string
      try {
        pathname = new URL(url).pathname
      } catch (err) {
        throw new ProviderError({
          kind: 'config',
          code: 'upstream_rejected',
          publicMessage: PUBLIC_MESSAGES.config,
          detail: `${opts.label}: invalid base URL for channel ${ctx.channel.id}`,
          cause: err,
        })
      }
      const where = redact(`${opts.label} ${method} ${pathname}`, secrets)
      let status: number
      let headers: JsonResponse['headers']
      let text: string
      try {
        const res = await exchange(url, {
          method,
          headers: { authorization: opts.authorization, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: ctx.signal,
          connectMs: t.connectMs,
          headersMs: t.headersMs,
          bodyMs: t.bodyMs,
          keepAliveMs: 10_000,
          maxBytes: MAX_BODY,
          tooLarge: (s) => new ProviderError({ kind: 'retryable', code: 'upstream_bad_response', publicMessage: PUBLIC_MESSAGES.unavailable, detail: `${where} → ${s}: body over ${MAX_BODY} bytes` }),
        })
        status = res.status
        headers = res.headers
        text = res.bytes.toString('utf8')
      } catch (err) {
        if (err instanceof ProviderError) throw err
        throw classifyTransportError(err, where)
      }
      // Built only when an error needs it: most answers are routine polls.
      const detailOf = () => `${where} → ${status}: ${redact(text, secrets).slice(0, 500)}`
      let json: unknown
      if (text.trim() !== '') {
        try {
          json = JSON.parse(text)
        } catch {
          if (status >= 200 && status < 300) {
            throw new ProviderError({ kind: 'retryable', code: 'upstream_bad_response', publicMessage: PUBLIC_MESSAGES.unavailable, detail: `${detailOf()} (malformed JSON)` })
          }
        }
      }
      return {
        status,
        headers,
        json,
        get detail() {
          return detailOf()
        },
      }
    },
  }
}

/**
 * A 2xx submit whose body could not be read may still have created a billable task, so the
 * outcome is unknown rather than retryable.
 */
export function ambiguousSubmit(err: unknown): unknown {
  if (err instanceof ProviderError && err.code === 'upstream_bad_response') {
    return new ProviderError({ kind: 'unknown', code: 'upstream_unknown', publicMessage: PUBLIC_MESSAGES.timeout, detail: err.detail ?? '', cause: err })
  }
  return err
}

/** What an inbound upstream callback looks like to an adapter's `parseCallback`. */
export interface CallbackRequest {
  /** Header names in lower case, as Node and Fastify give them. */
  headers: Record<string, string | string[] | undefined>
  rawBody: Buffer | string
  query: Record<string, string | undefined>
}

export type CallbackContext = Pick<ProviderContext, 'channel' | 'clock'>

/** A video adapter that also reads its upstream's callbacks. */
export interface CallbackProvider<Name extends string> extends Provider {
  readonly name: Name
  parseCallback(req: CallbackRequest, ctx: CallbackContext): { upstreamId: string } | null
}

export function header(h: CallbackRequest['headers'], name: string): string | undefined {
  const v = h[name]
  return Array.isArray(v) ? v[0] : v
}

/** A callback's body as a JSON object; undefined when it is not one. */
export function callbackJson(req: CallbackRequest): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(req.rawBody.toString()))
  } catch {
    return undefined
  }
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** Resolves our model id to the upstream's through the channel, or fails as configuration. */
export function upstreamModel(ctx: ProviderContext, model: string): string {
  const m = ctx.channel.models[model]
  if (!m) {
    throw new ProviderError({ kind: 'config', code: 'model_unavailable', publicMessage: PUBLIC_MESSAGES.config, detail: `channel ${ctx.channel.id} has no mapping for model ${model}` })
  }
  return m
}

/** These adapters only run video jobs; an image routed here is a routing mistake. */
export function videoParamsOf(job: ProviderJob): VideoParams {
  if (job.type !== 'video') {
    throw new ProviderError({ kind: 'config', code: 'model_unavailable', publicMessage: PUBLIC_MESSAGES.config, detail: `job ${job.id} of type ${job.type} sent to a video-only channel` })
  }
  return job.params as VideoParams
}

/** True for a 2xx status. */
export function isOk(status: number): boolean {
  return status >= 200 && status < 300
}

/** A best-effort cancel is done once the task is cancelled, already finished or gone. */
export function cancelSettled(status: number): boolean {
  return isOk(status) || status === 400 || status === 404 || status === 409
}

/** A terminal upstream failure that is not a transport or HTTP error. */
export function generationFailed(detail: string, code = 'generation_failed', publicMessage: string = PUBLIC_MESSAGES.failed): ProviderError {
  return new ProviderError({ kind: 'user', code, publicMessage, detail })
}

/** A 2xx body without the fields we need. */
export function badResponse(detail: string): ProviderError {
  return new ProviderError({ kind: 'retryable', code: 'upstream_bad_response', publicMessage: PUBLIC_MESSAGES.unavailable, detail })
}
