/** When and how long to wait before retrying a request; pure, so it is tested without a network. */

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** A real timer that an abort cuts short (rejecting with the signal's reason). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

/**
 * The wait a response asks for, in ms: `retry-after-ms`, then `Retry-After` (seconds, fractions
 * allowed, or an HTTP date). Undefined when it names none (or nonsense).
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN)
  if (Number.isFinite(ms) && ms >= 0) return ms
  const ra = headers.get('retry-after')?.trim()
  if (!ra) return undefined
  const sec = Number(ra)
  if (Number.isFinite(sec)) return sec >= 0 ? sec * 1000 : undefined
  const date = Date.parse(ra)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/**
 * Whether an error answer is worth retrying. `x-should-retry` wins when the server sends it;
 * otherwise 408, 429, 5xx, and a 409 that says when to retry (the key's first request is still
 * running: the same key then returns the job it made).
 */
export function shouldRetry(status: number, headers: Headers): boolean {
  const told = headers.get('x-should-retry')
  if (told === 'true') return true
  if (told === 'false') return false
  if (status === 409) return headers.has('retry-after')
  return status === 408 || status === 429 || status >= 500
}

export interface BackoffOptions {
  /** First retry's base delay (doubled per attempt). */
  initialMs: number
  maxMs: number
  /** 0..1, for jitter; injectable so tests are exact. */
  random: () => number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 8_000, random: Math.random }

/** Exponential backoff with jitter (75–100 % of the step), or the server's wait when it gave one (capped at 60 s). */
export function retryDelayMs(attempt: number, serverMs: number | undefined, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  if (serverMs !== undefined) return Math.min(serverMs, 60_000)
  const step = Math.min(opts.initialMs * 2 ** attempt, opts.maxMs)
  return Math.round(step * (1 - 0.25 * opts.random()))
}
