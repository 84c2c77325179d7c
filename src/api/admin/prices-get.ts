import { defineRoute } from '../route.js'
import { requireAdmin } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerPricesGet(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/prices',
    dialect: 'admin',
    summary: 'The price book and plans in effect (REELAY_PRICES_FILE or the defaults)',
    preHandler: requireAdmin(deps),
    handler: async () => ({ ...deps.prices, creditUsd: deps.config.REELAY_CREDIT_USD }),
  })
}
