import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { newId } from '../domain/ids.js'
import { registerErrorHandling } from './plugins/errors.js'
import { registerFilesRoute } from './files-route.js'
import { registerCallbackRoute } from './callbacks-route.js'
import { registerMetrics } from './metrics-route.js'
import { buildOpenApi } from './openapi.js'
import { nativeDialect } from './dialects/native/index.js'
import { DIALECTS } from './dialects/index.js'
import type { AppDeps } from './deps.js'

export const VERSION = '0.1.0'

/** Builds the HTTP app; never listens (tests use `inject` or listen themselves). */
export async function buildApp(deps: AppDeps, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: deps.config.REELAY_LOG_LEVEL,
            // Keys never reach the logs.
            redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-goog-api-key"]'], censor: '[redacted]' },
          },
    bodyLimit: deps.config.REELAY_BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : newId('req')
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  })
  // JSON only: a text/plain body is a 415, not a string handed to a JSON route.
  app.removeContentTypeParser('text/plain')
  app.decorate('openApiOperations', [])
  app.decorateRequest('auth', null)
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id)
  })

  if (deps.metrics) registerMetrics(app, deps.metrics, deps.config)
  const byName = new Map(DIALECTS.map((d) => [d.name, d]))
  registerErrorHandling(app, byName, nativeDialect)
  for (const d of DIALECTS) d.routes(app, deps)
  registerFilesRoute(app, { clock: deps.clock, fileUrlSecret: deps.fileUrlSecret, storage: deps.jobs.storage, files: deps.jobs.files })
  await registerCallbackRoute(app, deps.callbacks)

  app.get('/healthz', async () => ({ ok: true }))
  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.store.db)
      return { ok: true }
    } catch {
      return reply.status(503).header('retry-after', '5').send({ ok: false, error: { code: 'service_unavailable', message: 'The database is unreachable.' } })
    }
  })
  app.get('/openapi.json', async () => buildOpenApi(app.openApiOperations, deps.config.publicUrl, VERSION))
  return app
}

/**
 * Closes the server, letting open requests finish for up to `graceMs`. A client that stops
 * reading (or an image request still waiting for its result) must not hold a shutdown open
 * forever, so after the grace period every remaining connection is cut.
 */
export async function closeApp(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs)
  try {
    await app.close()
  } finally {
    clearTimeout(timer)
  }
}
