import { ProviderError } from '../failure.js'
import type { ChannelConfig, Provider, ProviderContext, ProviderJob } from '../provider.js'
import type { VideoParams } from '../../domain/params.js'
import { exchange } from './transport.js'
import { classifyHttpFailure, classifyTransportError, type FailureReason } from './classify.js'
import { parseRetryAfter, redact, timeoutsFrom } from './common.js'

export { parseRetryAfter, redact, timeoutsFrom, type Timeouts } from './common.js'
export { badResponse, classifyHttpFailure, classifyTransportError, generationFailed, type FailureReason } from './classify.js'

/** A non-2xx JSON answer → ProviderError, given the `reason` the adapter read from its body. */
export function responseFailure(res: JsonResponse, nowMs: number, reason: FailureReason | undefined): ProviderError {
  const retryAfterMs = parseRetryAfter(res.headers, nowMs)
  return classifyHttpFailure({ status: res.status, detail: res.detail, ...(reason ? { reason } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) })
}

export interface JsonResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Parsed body; undefined when the body was empty or (on a non-2xx) not JSON. */
  json: unknown
  /** `METHOD path → status: body excerpt`, with secrets redacted; for ProviderError.detail. */
  detail: string
}

export interface JsonClientOptions {
  /** Names the upstream in operator details. */
  label: string
  /** The whole `Authorization` header value. */
  authorization: string
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
export function createJsonClient(channel: ChannelConfig, signal: AbortSignal | undefined, opts: JsonClientOptions): JsonClient {
  const base = channel.baseUrl.replace(/\/+$/, '')
  const t = timeoutsFrom(channel.options)
  const secrets = [channel.apiKey]
  return {
    async call(method, pathOrUrl, body) {
      const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`
      let pathname: string
      try {
        pathname = new URL(url).pathname
      } catch (err) {
        throw new ProviderError('misconfigured', `${opts.label}: invalid base URL for channel ${channel.id}`, { cause: err })
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
          signal,
          connectMs: t.connectMs,
          headersMs: t.headersMs,
          bodyMs: t.bodyMs,
          keepAliveMs: 10_000,
          maxBytes: MAX_BODY,
          tooLarge: (s) => new ProviderError('upstream_bad_response', `${where} → ${s}: body over ${MAX_BODY} bytes`),
        })
        status = res.status
        headers = res.headers
        text = res.bytes.toString('utf8')
      } catch (err) {
        throw classifyTransportError(err, where, secrets)
      }
      // Built only when an error needs it: most answers are routine polls.
      const detailOf = () => `${where} → ${status}: ${redact(text, secrets).slice(0, 500)}`
      let json: unknown
      if (text.trim() !== '') {
        try {
          json = JSON.parse(text)
        } catch {
          if (status >= 200 && status < 300) {
            throw new ProviderError('upstream_bad_response', `${detailOf()} (malformed JSON)`)
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
    return new ProviderError('upstream_unknown', err.detail ?? '', { cause: err })
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
    throw new ProviderError('model_unavailable', `channel ${ctx.channel.id} has no mapping for model ${model}`)
  }
  return m
}

/** These adapters only run video jobs; an image routed here is a routing mistake. */
export function videoParamsOf(job: ProviderJob): VideoParams {
  if (job.type !== 'video') {
    throw new ProviderError('model_unavailable', `job ${job.id} of type ${job.type} sent to a video-only channel`)
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
