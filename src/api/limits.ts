import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { AppError } from '../errors.js'

/** Per-account request rate. Memory in one process; Redis when `REDIS_URL` is set. */
export interface Limiter {
  /** Throws `rate_limited` (with Retry-After) when the account is over its per-minute rate. */
  consume(accountId: string, perMinute: number): Promise<void>
}

export function createMemoryLimiter(): Limiter {
  return limiterFrom((points) => new RateLimiterMemory({ points, duration: 60 }))
}

/** One limiter per plan rate, since rate-limiter-flexible fixes `points` per instance. */
export function limiterFrom(make: (points: number) => RateLimiterAbstract): Limiter {
  const byRate = new Map<number, RateLimiterAbstract>()
  return {
    async consume(accountId, perMinute) {
      let l = byRate.get(perMinute)
      if (!l) byRate.set(perMinute, (l = make(perMinute)))
      try {
        await l.consume(accountId)
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          throw new AppError('rate_limited', `The plan allows ${perMinute} requests per minute.`, { retryAfterSec: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) })
        }
        throw new AppError('service_unavailable', 'The rate limiter is unavailable; retry shortly.', { retryAfterSec: 1, cause: err })
      }
    },
  }
}
