import underPressure from '@fastify/under-pressure'
import { AppError } from '../../errors.js'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.js'

export interface SheddingOptions {
  /** An extra health signal (checked every `intervalMs`): while it answers false, requests are shed. */
  healthCheck?: () => Promise<boolean>
  intervalMs?: number
}

/**
 * Load shedding with @fastify/under-pressure: while the event loop lags or memory is past its
 * threshold, requests get a fast 503 `service_unavailable` with `Retry-After`, in the caller's
 * dialect (the error goes through the route's own error handler), instead of queueing.
 */
export async function registerLoadShedding(app: FastifyInstance, config: Config, opts: SheddingOptions = {}): Promise<void> {
  const retryAfterSec = config.REELAY_SHED_RETRY_AFTER_SECONDS
  await app.register(underPressure, {
    maxEventLoopDelay: config.REELAY_SHED_EVENT_LOOP_DELAY_MS,
    maxRssBytes: config.REELAY_SHED_RSS_BYTES,
    ...(opts.healthCheck ? { healthCheck: opts.healthCheck, healthCheckInterval: opts.intervalMs ?? 1_000 } : {}),
    pressureHandler: (req, _reply, type, value) => {
      req.log.warn({ type, value }, 'shedding load')
      return Promise.reject(new AppError('service_unavailable', 'The server is overloaded; retry shortly.', { retryAfterSec }))
    },
  })
}

/** Route config for routes that must answer even under pressure (liveness). */
export const NEVER_SHED = { pressureHandler: () => undefined }
