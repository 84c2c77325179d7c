import { AppError } from '../../errors.js'
import { AUTHENTICATED_SCOPE } from '../route.js'
import { authenticateScope } from './auth.js'
import { useDialectErrorHandler, type DialectErrors } from './errors.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Dialect } from '../dialect.js'

/**
 * A dialect as one encapsulated plugin, under its prefix when its routes share one. Inside it:
 * its error handler (so any error of its routes, the framework's included, takes its shape),
 * its not-found handler for each of its paths, and one authentication hook for every route
 * that does not say `public: true`.
 */
export async function registerDialect(app: FastifyInstance, dialect: Dialect, deps: AppDeps, errors: DialectErrors): Promise<void> {
  const prefix = dialect.prefix ?? ''
  await app.register(
    async (scope) => {
      useDialectErrorHandler(scope, errors, dialect)
      scope.decorate(AUTHENTICATED_SCOPE, true)
      scope.addHook('onRequest', authenticateScope(deps))
      const notFound = (req: FastifyRequest, reply: FastifyReply) => errors.handle(new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`), req, reply, dialect)
      for (const path of dialect.paths) {
        if (path !== prefix && !path.startsWith(`${prefix}/`)) throw new Error(`dialect ${dialect.name}: ${path} is outside its prefix ${prefix}`)
        const rel = path.slice(prefix.length)
        if (rel === '') scope.setNotFoundHandler(notFound)
        else await scope.register(async (child) => child.setNotFoundHandler(notFound), { prefix: rel })
      }
      await dialect.routes(scope, deps)
    },
    { prefix },
  )
}
