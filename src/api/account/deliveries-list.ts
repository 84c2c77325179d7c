import { defineRoute } from '../route.js'
import { DeliveriesQuery } from './schemas.js'
import { requireSession } from './session-auth.js'
import { accountFor } from './account-scope.js'
import { deliveriesPage } from '../../accounts/activity.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerDeliveriesList(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/webhooks/deliveries',
    dialect: 'account',
    summary: 'Webhook deliveries of an account (default: personal), newest first, with every attempt',
    query: DeliveriesQuery,
    preHandler: requireSession(deps),
    async handler({ query, req }) {
      return deliveriesPage(deps.store.db, await accountFor(deps, req, query.accountId), query)
    },
  })
}
