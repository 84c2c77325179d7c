import type { FastifyBaseLogger, FastifyInstance } from 'fastify'

const verbose = (log: FastifyBaseLogger) => log.level === 'debug' || log.level === 'trace'

/**
 * The access log, cheap by default. Fastify's own writes two info lines per request, 8–12% of
 * a status poll's CPU (issue #14). Here every request is logged at debug (free when debug is
 * off), a `sample` fraction of them at info, and every 5xx at warn whatever the sample (the
 * error handler logs its cause at error beside it).
 */
export function registerAccessLog(app: FastifyInstance, sample: number, random: () => number = Math.random): void {
  app.addHook('onRequest', (req, _reply, done) => {
    if (verbose(req.log)) req.log.debug({ req }, 'incoming request')
    done()
  })
  app.addHook('onResponse', (req, reply, done) => {
    const status = reply.statusCode
    if (status >= 500) req.log.warn({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
    else if (sample > 0 && random() < sample) req.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'request completed')
    else if (verbose(req.log)) req.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
    done()
  })
}
