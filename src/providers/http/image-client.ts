import { ProviderError } from '../failure.js'
import type { ChannelConfig, PollResult, ProviderContext, ProviderJob } from '../provider.js'
import { classifyTransportError } from './classify.js'
import { parseRetryAfter, positive, timeoutsFrom, TIMEOUT_DEFAULTS } from './common.js'
import { exchange } from './transport.js'

export { parseJson, redact } from './common.js'

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

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

/** One HTTP exchange with timeouts and a size cap; never throws anything but ProviderError. */
export async function send(
  channel: ChannelConfig,
  signal: AbortSignal | undefined,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | Uint8Array },
  defaultMaxBytes: number,
): Promise<{ status: number; headers: Record<string, string>; bytes: Buffer }> {
  const t = transportOptions(channel.options, defaultMaxBytes)
  try {
    const res = await exchange(url, {
      ...init,
      signal,
      connectMs: t.connectTimeoutMs,
      headersMs: t.timeoutMs,
      bodyMs: t.timeoutMs,
      maxBytes: t.maxResponseBytes,
      tooLarge: () => new ProviderError('upstream_bad_response', `response exceeded ${t.maxResponseBytes} bytes`),
    })
    return { status: res.status, headers: flatten(res.headers), bytes: res.bytes }
  } catch (err) {
    throw classifyTransportError(err, `${init.method} ${channel.provider}`, [channel.apiKey])
  }
}

export interface UpstreamResponse {
  status: number
  headers: Record<string, string>
  text: string
}

/** POSTs `body` to `url`, asking for JSON; the answer comes back as text. */
export async function postForText(
  channel: ChannelConfig,
  signal: AbortSignal | undefined,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  defaultMaxBytes: number,
): Promise<UpstreamResponse> {
  const res = await send(channel, signal, url, { method: 'POST', headers: { ...headers, accept: 'application/json' }, body }, defaultMaxBytes)
  return { status: res.status, headers: res.headers, text: res.bytes.toString('utf8') }
}

/** The channel's upstream model for an image job, or a config failure. */
export function imageModelOf(label: string, job: ProviderJob, ctx: ProviderContext): string {
  const model = ctx.channel.models[job.model]
  if (job.type !== 'image' || !model) throw new ProviderError('model_unavailable', `${label} channel ${ctx.channel.id} cannot run ${job.type} model ${job.model}`)
  return model
}

/**
 * `get` of a synchronous adapter. The result only ever exists in the submit response: there is
 * nothing upstream to poll. The worker never polls a job whose submit returned outputs; if it
 * ever does, keep the job retrying quietly so its deadline, not a guess, ends it.
 */
export function unpollable(label: string, upstreamId: string): PollResult {
  return { state: 'failed', error: new ProviderError('upstream_unavailable', `${label} is synchronous; ${upstreamId} cannot be polled`, { retryAfterMs: 60_000 }) }
}
