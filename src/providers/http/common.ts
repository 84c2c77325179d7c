/**
 * How long an upstream call may wait for headers and between body chunks, unless the channel's
 * `timeoutMs` says otherwise. Task APIs (submit, poll, cancel) answer at once; a synchronous
 * image API holds the call open while it renders, for minutes.
 */
export const TIMEOUT_DEFAULTS = { taskApi: 30_000, synchronous: 300_000 } as const

export interface Timeouts {
  connectMs: number
  headersMs: number
  bodyMs: number
}

/** Reads `timeoutMs` (headers and body) and `connectTimeoutMs` from a channel's options. */
export function timeoutsFrom(options: Record<string, unknown>, defaultMs: number = TIMEOUT_DEFAULTS.taskApi): Timeouts {
  const total = positive(options.timeoutMs, defaultMs)
  return { connectMs: positive(options.connectTimeoutMs, Math.min(10_000, total)), headersMs: total, bodyMs: total }
}

/** A positive finite number from a channel option, else `fallback`. */
export function positive(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback
}

/**
 * The one redactor for upstream text: every occurrence of each secret (API keys, four
 * characters or more) becomes `[redacted]`, then the text is capped at `max` characters.
 */
export function redact(text: string, secrets: string | readonly string[], max = Infinity): string {
  let out = text
  for (const s of typeof secrets === 'string' ? [secrets] : secrets) if (s.length >= 4) out = out.split(s).join('[redacted]')
  return out.length > max ? `${out.slice(0, max)}…` : out
}

/**
 * Retry-After (delta seconds, fractions allowed, or an HTTP date) or retry-after-ms, in
 * milliseconds from `nowMs`. `1.5` is 1500 ms: read as a date it would mean "retry at once".
 */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, nowMs: number): number | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
  const ms = first(headers['retry-after-ms'])
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms))
  const ra = first(headers['retry-after'])?.trim()
  if (!ra) return undefined
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000)
  const at = Date.parse(ra)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** Parses JSON without throwing: malformed text gives `undefined`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
