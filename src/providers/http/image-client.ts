import { jobErrorTable, type JobErrorCode } from '../../errors.js'
import { parseRetryAfter, positive, PUBLIC_MESSAGES, redact, timeoutsFrom, TIMEOUT_DEFAULTS } from './common.js'

export { parseJson, redact } from './common.js'
import { exchange, transportFailure } from './transport.js'
import { ProviderError, type PollResult, type ProviderContext, type ProviderErrorKind, type ProviderJob } from '../provider.js'

// The synchronous image adapters (openai, gemini) report job error codes, not the video adapters' upstream_* ones.

export function providerError(
  kind: ProviderErrorKind,
  code: JobErrorCode,
  detail: string,
  opts: { retryAfterMs?: number; cause?: unknown; message?: 'busy' | 'unavailable' | 'timeout' | 'config' } = {},
): ProviderError {
  const publicMessage = opts.message ? PUBLIC_MESSAGES[opts.message] : jobErrorTable[code]
  return new ProviderError({
    kind,
    code,
    publicMessage,
    detail,
    ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}),
    ...(opts.cause !== undefined ? { cause: opts.cause } : {}),
  })
}

/** `retry-after-ms`, then `retry-after` (seconds, fractions allowed, or an HTTP date), in ms from `nowMs`. */
export function retryAfterMs(headers: Record<string, string>, nowMs: number): number | undefined {
  return parseRetryAfter(headers, nowMs)
}

export interface TransportOptions {
  /** Wait for the response headers, and between body chunks. (Default: 300000) */
  timeoutMs: number
  /** (Default: min(10000, timeoutMs)) */
  connectTimeoutMs: number
  /** (Default: the adapter's, sized for its largest answer) */
  maxResponseBytes: number
}

export function transportOptions(options: Record<string, unknown>, defaultMaxBytes: number): TransportOptions {
  // Generation is synchronous and can take minutes per call; the job deadline bounds it too.
  const t = timeoutsFrom(options, TIMEOUT_DEFAULTS.synchronous)
  return { timeoutMs: t.headersMs, connectTimeoutMs: t.connectMs, maxResponseBytes: positive(options.maxResponseBytes, defaultMaxBytes) }
}

/** Maps a network-level failure to a ProviderError; a timeout after sending is `unknown`. */
export function classifyTransportError(err: unknown, apiKey: string): ProviderError {
  if (err instanceof ProviderError) return err
  const { outcome, code } = transportFailure(err)
  const detail = redact(`transport ${code || 'error'}: ${String((err as { message?: unknown } | null)?.message ?? err)}`, apiKey, 500)
  if (outcome === 'not-sent') return providerError('retryable', 'generation_failed', detail, { cause: err, message: 'unavailable' })
  // Headers/body timeouts, aborts and anything unrecognised: the upstream may have run (and billed) it.
  return providerError('unknown', 'generation_failed', detail, { cause: err, message: 'timeout' })
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

/** One HTTP exchange with timeouts and a size cap; never throws anything but ProviderError. */
export async function send(
  ctx: ProviderContext,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | Uint8Array },
  defaultMaxBytes: number,
): Promise<{ status: number; headers: Record<string, string>; bytes: Buffer }> {
  const t = transportOptions(ctx.channel.options, defaultMaxBytes)
  try {
    const res = await exchange(url, {
      ...init,
      signal: ctx.signal,
      connectMs: t.connectTimeoutMs,
      headersMs: t.timeoutMs,
      bodyMs: t.timeoutMs,
      maxBytes: t.maxResponseBytes,
      tooLarge: () => providerError('retryable', 'output_unavailable', `response exceeded ${t.maxResponseBytes} bytes`, { message: 'unavailable' }),
    })
    return { status: res.status, headers: flatten(res.headers), bytes: res.bytes }
  } catch (err) {
    throw classifyTransportError(err, ctx.channel.apiKey)
  }
}

export interface UpstreamResponse {
  status: number
  headers: Record<string, string>
  text: string
}

/** POSTs `body` to `url`, asking for JSON; the answer comes back as text. */
export async function postForText(ctx: ProviderContext, url: string, headers: Record<string, string>, body: string | Uint8Array, defaultMaxBytes: number): Promise<UpstreamResponse> {
  const res = await send(ctx, url, { method: 'POST', headers: { ...headers, accept: 'application/json' }, body }, defaultMaxBytes)
  return { status: res.status, headers: res.headers, text: res.bytes.toString('utf8') }
}

/** The channel's upstream model for an image job, or a config failure. */
export function imageModelOf(label: string, job: ProviderJob, ctx: ProviderContext): string {
  const model = ctx.channel.models[job.model]
  if (job.type !== 'image' || !model) {
    throw providerError('config', 'service_unavailable', `${label} channel ${ctx.channel.id} cannot run ${job.type} model ${job.model}`, { message: 'config' })
  }
  return model
}

/**
 * `get` of a synchronous adapter. The result only ever exists in the submit response: there is
 * nothing upstream to poll. The worker never polls a job whose submit returned outputs; if it
 * ever does, keep the job retrying quietly so its deadline, not a guess, ends it.
 */
export function unpollable(label: string, upstreamId: string): PollResult {
  return {
    state: 'failed',
    error: providerError('retryable', 'generation_failed', `${label} is synchronous; ${upstreamId} cannot be polled`, { retryAfterMs: 60_000, message: 'unavailable' }),
  }
}
