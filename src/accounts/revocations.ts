import { EventEmitter } from 'node:events'

const REDIS_CHANNEL = 'reelay:keys:revoked'

/**
 * Carries key revocations between processes through a Redis channel when Redis is configured
 * (PostgreSQL deployments also get them by NOTIFY, sent in the revoking transaction). Without
 * either, other processes on one SQLite file see a revocation within the auth cache's lifetime.
 */
export async function createRedisRevocations(redisUrl: string | undefined) {
  if (!redisUrl) return null
  const { Redis } = await import('ioredis')
  const opts = { maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: (n: number) => Math.min(n * 100, 1_000) }
  const pub = new Redis(redisUrl, { ...opts, lazyConnect: true })
  let sub: InstanceType<typeof Redis> | null = null
  pub.on('error', () => undefined)
  return {
    async publish(keyId: string): Promise<void> {
      await pub.publish(REDIS_CHANNEL, keyId)
    },
    /** Resolves once subscribed, so a revocation published after it is never missed. */
    async subscribe(onRevoked: (keyId: string) => void): Promise<void> {
      sub = new Redis(redisUrl, opts)
      sub.on('error', () => undefined)
      sub.on('message', (_ch: string, keyId: string) => onRevoked(keyId))
      await sub.subscribe(REDIS_CHANNEL)
    },
    async close(): Promise<void> {
      pub.disconnect()
      sub?.disconnect()
    },
  }
}

export type RedisRevocations = NonNullable<Awaited<ReturnType<typeof createRedisRevocations>>>

/** Emits `revoked` (key id) after a revocation from another process was applied here. */
export class RevocationEvents extends EventEmitter<{ revoked: [keyId: string] }> {}
