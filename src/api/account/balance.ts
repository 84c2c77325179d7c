import { defineRoute } from '../route.js'
import { AccountParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import { ledger } from '../../ledger/ledger.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerBalance(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/accounts/:accountId/balance',
    dialect: 'account',
    summary: 'Balance, reserved and available credits of your personal account or one of your teams',
    params: AccountParams,
    preHandler: requireSession(deps),
    async handler({ params, req }) {
      await deps.people.teams.requireRole(sessionOf(req).user.id, params.accountId)
      const acct = await deps.store.db.selectFrom('accounts').select('plan').where('id', '=', params.accountId).executeTakeFirstOrThrow()
      const f = (await ledger.figures(deps.store.db, params.accountId))!
      // flagged and lowBalanceThreshold are the billing module's; neutral until it sets them.
      return { accountId: params.accountId, plan: acct.plan, ...f, flagged: false, lowBalanceThreshold: null }
    },
  })
}
