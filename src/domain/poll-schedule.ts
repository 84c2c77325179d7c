/**
 * When to ask the upstream again. The first poll waits for a fraction of the model's typical
 * duration (most jobs are not done sooner), then intervals grow from 5 s to 30 s. Over a 105 s
 * video this costs about 6 calls instead of 21 at a fixed 5 s.
 */
export function nextPollDelayMs(typicalMs: number, pollCount: number): number {
  if (pollCount === 0) return clamp(typicalMs * 0.5, 5_000, 60_000)
  return clamp(5_000 * 1.5 ** (pollCount - 1), 5_000, 30_000)
}

/**
 * How long a customer should wait before polling a running job again: a tenth of the model's
 * typical duration, 1–10 s. Polls read only the database, so this only spares needless calls.
 */
export function clientPollAfterMs(typicalMs: number): number {
  return clamp(typicalMs / 10, 1_000, 10_000)
}

/** Backoff for retryable errors: 1 s doubling to 5 min, or what the upstream asked for. */
export function retryDelayMs(failures: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.min(retryAfterMs, 15 * 60_000)
  return clamp(1_000 * 2 ** failures, 1_000, 5 * 60_000)
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(x)))
}
