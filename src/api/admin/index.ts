import { createOperator } from '../../accounts/operator.js'
import { registerAccountCredits } from './account-credits.js'
import { registerAccountGet } from './account-get.js'
import { registerAccountUpdate } from './account-update.js'
import { registerAccountsCreate } from './accounts-create.js'
import { registerAccountsList } from './accounts-list.js'
import { registerAuditList } from './audit-list.js'
import { registerChannelTest } from './channel-test.js'
import { registerChannelsList } from './channels-list.js'
import { registerDoctor } from './doctor.js'
import { registerInvitesCreate } from './invites-create.js'
import { registerJobsList } from './jobs-list.js'
import { registerPricesGet } from './prices-get.js'
import { registerSettingsGet } from './settings-get.js'
import { registerSettingsUpdate } from './settings-update.js'
import { registerSystem } from './system.js'
import { registerUserResetLink } from './user-reset-link.js'
import { registerUserUpdate } from './user-update.js'
import { registerUsersList } from './users-list.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

/** `/admin/v1`: the operator API, for users with role admin (docs/api/admin.md). */
export function registerAdminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const op = createOperator({ store: deps.store, clock: deps.clock, accounts: deps.accounts, people: deps.people, prices: deps.prices, maxBalance: deps.config.REELAY_MAX_BALANCE })
  registerAccountCredits(app, deps, op)
  registerAccountGet(app, deps, op)
  registerAccountUpdate(app, deps, op)
  registerAccountsCreate(app, deps, op)
  registerAccountsList(app, deps, op)
  registerAuditList(app, deps)
  registerChannelTest(app, deps)
  registerChannelsList(app, deps)
  registerDoctor(app, deps)
  registerInvitesCreate(app, deps, op)
  registerJobsList(app, deps)
  registerPricesGet(app, deps)
  registerSettingsGet(app, deps)
  registerSettingsUpdate(app, deps, op)
  registerSystem(app, deps)
  registerUserResetLink(app, deps)
  registerUserUpdate(app, deps, op)
  registerUsersList(app, deps, op)
}
