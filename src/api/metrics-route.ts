import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'
import { AppError } from '../errors.js'
import { dialectErrors, registerErrorHandling } from './plugins/errors.js'
import { nativeDialect } from './dialects/native/index.js'
import type { FastifyInstance, onResponseHookHandler } from 'fastify'
import type { Config } from '../config.js'
import type { Metrics } from '../metrics/metrics.js'

type MetricsConfig = Pick<Config, 'REELAY_METRICS' | 'REELAY_METRICS_TOKEN'>

const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * Counts every response by route pattern and status, and serves `GET /metrics` in the Prometheus
 * text format: 404 when metrics are off, and behind the bearer token unless they are `open`.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, config: MetricsConfig): void {
  const registry = metrics.registry
  if (!registry || config.REELAY_METRICS === 'off') return
  // The pattern, not the URL: one series per route however many job ids there are. Each route
  // gets its own hook knowing its pattern (`req.routeOptions` builds an object per call).
  app.addHook('onRoute', (route) => {
    const pattern = route.url
    const record: onResponseHookHandler = (req, reply, done) => {
      metrics.httpRequest(pattern, req.method, reply.statusCode, reply.elapsedTime / 1_000)
      done()
    }
    const existing = route.onResponse
    route.onResponse = existing === undefined ? [record] : [...(Array.isArray(existing) ? existing : [existing]), record]
  })
  app.addHook('onResponse', (req, reply, done) => {
    if (req.is404) metrics.httpRequest('unmatched', req.method, reply.statusCode, reply.elapsedTime / 1_000)
    done()
  })
  const want = config.REELAY_METRICS === 'on' && config.REELAY_METRICS_TOKEN ? digest(config.REELAY_METRICS_TOKEN) : null
  app.get('/metrics', async (req, reply) => {
    if (want) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
      // Compared as digests: equal lengths for timingSafeEqual, and no length leak.
      if (!m?.[1] || !timingSafeEqual(digest(m[1]), want)) throw new AppError('unauthorized', 'Send the metrics token as `Authorization: Bearer <REELAY_METRICS_TOKEN>`.')
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics())
  })
}

/** What a `--role worker` process serves on PORT when metrics are on: `/metrics` and `/healthz`. */
export function buildMetricsApp(metrics: Metrics, config: MetricsConfig): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true })
  // No dialects here: every error in the native shape, and nothing to await.
  void registerErrorHandling(app, dialectErrors(new Map(), nativeDialect), new Map())
  registerMetrics(app, metrics, config)
  app.get('/healthz', async () => ({ ok: true }))
  return app
}
