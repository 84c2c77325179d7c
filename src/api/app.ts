import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { dialectErrors, registerErrorHandling, requestIdFor, useDialectErrorHandler } from './plugins/errors.js'
import { registerDialect } from './plugins/dialect-scope.js'
import { checkResponses } from './plugins/response-check.js'
import { answerExpectation, capConnectionsPerIp, clientErrorHandler, requireHostHeader } from './plugins/protocol.js'
import { NEVER_SHED, registerLoadShedding, type SheddingOptions } from './plugins/load-shedding.js'
import { registerFilesRoute } from './files-route.js'
import { registerCallbackRoute } from './callbacks-route.js'
import { registerDocsRoutes } from './docs-route.js'
import { registerMetrics } from './metrics-route.js'
import { mediaOriginsFor, registerDashboardRoute } from './dashboard-route.js'
import { registerAccessLog } from './plugins/access-log.js'
import { registerOpenApiRoutes } from './openapi-routes.js'
import { nativeDialect } from './dialects/native/index.js'
import { DIALECTS } from './dialects/index.js'
import { registerBillingRoutes } from './billing/routes.js'
import { createBilling } from '../billing/index.js'
import { registerAccountRoutes } from './account/index.js'
import { registerAdminRoutes } from './admin/index.js'
import type { AppDeps } from './deps.js'

export const VERSION = '0.1.0'

export interface AppOptions {
  /** false: no logging; default: pino at REELAY_LOG_LEVEL. */
  logger?: boolean
  /** A logger to use instead (tests read what is logged). */
  loggerInstance?: FastifyBaseLogger
  /** Extra load-shedding signal (see `plugins/load-shedding.ts`). */
  shedding?: SheddingOptions
  /** Checks every answer of a documented route against its response schema and reports drift (tests). */
  responseCheck?: (problem: string) => void
}

/** Builds the HTTP app; never listens (tests use `inject` or listen themselves). */
export async function buildApp(deps: AppDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps
  const byName = new Map(DIALECTS.map((d) => [d.name, d]))
  const errors = dialectErrors(byName, nativeDialect)
  const headersTimeout = Math.min(config.REELAY_HEADERS_TIMEOUT_MS, config.REELAY_REQUEST_TIMEOUT_MS)
  const app = Fastify({
    ...(opts.loggerInstance
      ? { loggerInstance: opts.loggerInstance }
      : {
          logger:
            opts.logger === false
              ? false
              : {
                  level: config.REELAY_LOG_LEVEL,
                  // Keys never reach the logs.
                  redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-goog-api-key"]'], censor: '[redacted]' },
                },
        }),
    bodyLimit: config.REELAY_BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    // Logged by registerAccessLog: sampled, and at debug unless the answer is a 5xx.
    logController: new LogController({ disableRequestLogging: true }),
    // A body trickled byte by byte must not hold a connection open: Node cuts the request
    // (408, in the dialect's shape via clientErrorHandler) when it is not complete in time, and
    // checks often enough for the limit to mean what it says.
    requestTimeout: config.REELAY_REQUEST_TIMEOUT_MS,
    http: { requireHostHeader: false, headersTimeout, connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))) },
    frameworkErrors: (error, req, reply) => errors.handle(error, req, reply),
    clientErrorHandler: clientErrorHandler(errors),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  })
  answerExpectation(app.server, errors)
  requireHostHeader(app)
  capConnectionsPerIp(app.server, errors, config.REELAY_MAX_CONNECTIONS_PER_IP, headersTimeout)
  // JSON only: a text/plain body is a 415, not a string handed to a JSON route.
  app.removeContentTypeParser('text/plain')
  app.decorate('openApiOperations', [])
  app.decorateRequest('auth', null)
  // Callback style, as every hook on the hot path: an async hook costs a promise per request.
  app.addHook('onSend', (req, reply, payload, done) => {
    void reply.header('x-request-id', req.id)
    // Answered before the body was read (a 401, a shed request): close rather than read the rest.
    if (!req.raw.complete) void reply.header('connection', 'close')
    done(null, payload)
  })
  registerAccessLog(app, config.REELAY_ACCESS_LOG_SAMPLE)
  // Error handling first: a root route takes the handler in effect when it is registered.
  await registerErrorHandling(app, errors, byName)
  if (deps.metrics) registerMetrics(app, deps.metrics, deps.config)
  await registerLoadShedding(app, config, opts.shedding)
  if (opts.responseCheck) checkResponses(app, DIALECTS, opts.responseCheck)
  // Each dialect is its own plugin scope: its errors, its 404s, its authentication.
  for (const d of DIALECTS) await registerDialect(app, d, deps, errors)
  // Billing routes answer in the native shape (prices, quotes, redeem, Stripe's webhook).
  await app.register(async (scope) => {
    useDialectErrorHandler(scope, errors, nativeDialect)
    registerBillingRoutes(scope, deps, await createBilling(deps))
  })
  // The session APIs: native error shape, and never cached (they carry CSRF tokens and balances).
  for (const routes of [registerAccountRoutes, registerAdminRoutes]) {
    await app.register(async (scope) => {
      useDialectErrorHandler(scope, errors, nativeDialect)
      scope.addHook('onSend', async (_req, reply) => void reply.header('cache-control', 'no-store'))
      routes(scope, deps)
    })
  }
  registerFilesRoute(app, { clock: deps.clock, fileUrlSecret: deps.fileUrlSecret, storage: deps.jobs.storage, files: deps.jobs.files })
  await registerCallbackRoute(app, deps.callbacks)
  registerDocsRoutes(app, config, [...byName.keys()])

  app.get('/healthz', { config: NEVER_SHED }, async () => ({ ok: true }))
  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.store.db)
      return { ok: true }
    } catch {
      return reply.status(503).header('retry-after', '5').send({ ok: false, error: { code: 'service_unavailable', message: 'The database is unreachable.' } })
    }
  })
  registerOpenApiRoutes(app, DIALECTS, config.publicUrl, VERSION)
  // Last: its page fallback only takes what no route above answers.
  registerDashboardRoute(app, { mediaOrigins: mediaOriginsFor(config) })
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
