import type { Accounts } from '../accounts/accounts.js'
import type { Config } from '../config.js'
import type { Clock } from '../domain/clock.js'
import type { PriceBook } from '../catalog/prices.js'
import type { JobService } from '../jobs/job-service.js'
import type { Limiter } from './limits.js'
import type { Store } from '../store/db.js'
import type { WebhookEndpoints } from '../webhooks/endpoints.js'
import type { DeliveryLog } from '../webhooks/delivery-log.js'
import type { CallbackHandler } from '../jobs/callbacks.js'
import type { Metrics } from '../metrics/metrics.js'
import type { People } from '../accounts/people.js'
import type { ChannelSpec } from '../providers/channels.js'
import type { RegionsView } from './regions-route.js'

/** Everything routes may use; built once in `main.ts` (or a test) and passed in. */
export interface AppDeps {
  config: Config
  clock: Clock
  store: Store
  accounts: Accounts
  jobs: JobService
  prices: PriceBook
  limiter: Limiter
  fileUrlSecret: string
  webhooks: { endpoints: WebhookEndpoints; log: DeliveryLog }
  callbacks: CallbackHandler
  /** Users, sessions, teams, invites, settings and the audit log (/account/v1, /admin/v1). */
  people: People
  /** Configured upstream channels and this process's breakers, for operators (/admin/v1/channels). */
  channels: { list: readonly ChannelSpec[]; breakerStates(): Array<{ channel: string; state: 'closed' | 'half-open' | 'open' }> }
  /** Request, upstream and webhook metrics for `/metrics` (absent or no-op when metrics are off). */
  metrics?: Metrics
  /** This node's region and the channels' regions (`GET /v1/regions`); absent: none. */
  regions?: RegionsView
}
