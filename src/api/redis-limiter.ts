import { Redis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { limiterFrom, type Limiter } from './limits.js'

/**
 * Limits shared through Redis. Without a connection, requests fail fast with 503 instead of
 * queueing (the client retries), and ioredis reconnects by itself.
 */
export async function createRedisLimiter(url: string): Promise<Limiter & { close(): Promise<void> }> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: (n) => Math.min(n * 100, 1_000) })
  // Errors surface per request as 503; the connection's own error events would otherwise crash.
  redis.on('error', () => undefined)
  // Give the first connection a moment, so a healthy start does not begin with 503s.
  await Promise.race([new Promise((r) => redis.once('ready', r)), new Promise((r) => setTimeout(r, 2_000).unref())])
  const limiter = limiterFrom((points) => new RateLimiterRedis({ storeClient: redis, points, duration: 60, keyPrefix: `reelay:rl:${points}` }))
  return { ...limiter, close: async () => void redis.disconnect() }
}
