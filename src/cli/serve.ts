import { loadConfig } from '../config.js'
import { buildApp, closeApp } from '../api/app.js'
import { createRuntime } from '../runtime.js'
import { buildMetricsApp } from '../api/metrics-route.js'
import { noMetrics } from '../metrics/no-metrics.js'

/** Runs the API, the worker, or both, and shuts down cleanly on SIGINT/SIGTERM. */
export async function serve(role: 'api' | 'worker' | 'all'): Promise<void> {
  const config = loadConfig()
  const rt = await createRuntime(config)
  const app = role === 'worker' ? null : await buildApp(rt.appDeps)
  // Before serving: a key revoked elsewhere from now on is refused here at once.
  await rt.listen(role)
  if (app) {
    // An empty database: the first operator signs up with this (POST /account/v1/setup).
    const setupToken = await rt.people.setup.issueToken()
    if (setupToken)
      rt.log.warn({ setupToken, url: `${config.publicUrl}/setup?token=${setupToken}` }, 'no users yet: create the first operator with this one-time setup token (or `reelay admin create`)')
    await app.listen({ port: config.PORT, host: config.HOST })
    rt.log.info(`Reelay ${role} listening on ${config.publicUrl} (data in ${config.dataDir})`)
    rt.log.info('Create a key: npm run reelay -- accounts create demo --credits 1000 && npm run reelay -- keys create --account demo')
  }
  // A worker has no API to scrape: with metrics on it serves them alone on PORT.
  const metricsApp = role === 'worker' && config.REELAY_METRICS !== 'off' ? buildMetricsApp(rt.appDeps.metrics ?? noMetrics, config) : null
  if (metricsApp) await metricsApp.listen({ port: config.PORT, host: config.HOST })
  if (role !== 'api') {
    rt.worker.start()
    rt.dispatcher.start()
    rt.log.info({ concurrency: config.REELAY_WORKER_CONCURRENCY, pollConcurrency: config.REELAY_POLL_CONCURRENCY }, 'worker started')
  }
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    rt.log.info({ signal }, 'shutting down: finishing in-flight requests and releasing leases')
    if (app) await closeApp(app, config.REELAY_SHUTDOWN_GRACE_MS)
    await metricsApp?.close()
    await rt.worker.stop(config.REELAY_SHUTDOWN_GRACE_MS)
    await rt.dispatcher.stop()
    await rt.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
}
