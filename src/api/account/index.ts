import { createUserKeys } from '../../accounts/user-keys.js'
import { registerSetupState } from './setup-state.js'
import { registerSetup } from './setup.js'
import { registerSignup } from './signup.js'
import { registerLogin } from './login.js'
import { registerLogout } from './logout.js'
import { registerSession } from './session.js'
import { registerProfile } from './profile.js'
import { registerPasswordReset } from './password-reset.js'
import { registerKeysList } from './keys-list.js'
import { registerKeysCreate } from './keys-create.js'
import { registerKeysRename } from './keys-rename.js'
import { registerKeysRevoke } from './keys-revoke.js'
import { registerKeysWebhook } from './keys-webhook.js'
import { registerBalance } from './balance.js'
import { registerUsage } from './usage.js'
import { registerLedger } from './ledger.js'
import { registerJobsList } from './jobs-list.js'
import { registerJobGet } from './job-get.js'
import { registerJobCancel } from './job-cancel.js'
import { registerJobSubmit } from './job-submit.js'
import { registerDeliveriesList } from './deliveries-list.js'
import { registerDeliveryRedeliver } from './delivery-redeliver.js'
import { registerTeamsList } from './teams-list.js'
import { registerTeamsCreate } from './teams-create.js'
import { registerTeamGet } from './team-get.js'
import { registerTeamInvite } from './team-invite.js'
import { registerInviteAccept } from './invite-accept.js'
import { registerTeamMemberRole } from './team-member-role.js'
import { registerTeamMemberRemove } from './team-member-remove.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

/** `/account/v1`: the customer API behind a session (docs/api/accounts.md). */
export function registerAccountRoutes(app: FastifyInstance, deps: AppDeps): void {
  const keys = createUserKeys(deps.store, deps.accounts, deps.webhooks.endpoints, deps.jobs.checkUrl)
  registerSetupState(app, deps)
  registerSetup(app, deps)
  registerSignup(app, deps)
  registerLogin(app, deps)
  registerLogout(app, deps)
  registerSession(app, deps)
  registerProfile(app, deps)
  registerPasswordReset(app, deps)
  registerKeysList(app, deps, keys)
  registerKeysCreate(app, deps, keys)
  registerKeysRename(app, deps, keys)
  registerKeysRevoke(app, deps, keys)
  registerKeysWebhook(app, deps, keys)
  registerBalance(app, deps)
  registerUsage(app, deps)
  registerLedger(app, deps)
  registerJobsList(app, deps)
  registerJobGet(app, deps)
  registerJobCancel(app, deps)
  registerJobSubmit(app, deps)
  registerDeliveriesList(app, deps)
  registerDeliveryRedeliver(app, deps)
  registerTeamsList(app, deps)
  registerTeamsCreate(app, deps)
  registerTeamGet(app, deps)
  registerTeamInvite(app, deps)
  registerInviteAccept(app, deps)
  registerTeamMemberRole(app, deps)
  registerTeamMemberRemove(app, deps)
}
