import type { Clock } from '../../domain/clock.js'
import type { PriceBook } from '../../catalog/prices.js'
import type { PromptStage } from '../../prompts/stage.js'
import type { FetchReference, ProviderLogger } from '../../providers/provider.js'
import type { Router } from '../../providers/registry.js'
import type { Store } from '../../store/db.js'
import type { GroupCommitOptions } from '../../store/group-commit.js'
import type { JobEvents } from '../job-events.js'
import type { OutputDeps } from '../store-outputs.js'

export interface WorkerDeps extends OutputDeps {
  store: Store
  clock: Clock
  router: Router
  log: ProviderLogger
  ownerId: string
  leaseMs: number
  /** Submits and local renders run at once (CPU-bound). */
  concurrency: number
  /** Upstream status requests in flight at once (I/O-bound). (Default: `concurrency`) */
  pollConcurrency?: number
  idleMs: number
  /** How adapters read customers' references (`providers/fetch-reference.ts`). */
  fetchReference?: FetchReference
  /** Where upstream callbacks reach this deployment, when it is reachable. */
  callbackBaseUrl?: string
  /** Told of every terminal transition this worker made (`terminal`); the worker wakes on `submitted`. */
  events?: JobEvents
  /** Housekeeping run with the deadline sweep (e.g. expiring idempotency keys). */
  maintenance?: () => Promise<unknown>
  /** Prices what was rendered when the model picked the duration (the hold covered the longest). */
  prices?: PriceBook
  /** Seconds the links to a job's stored inputs handed to an upstream stay valid. (Default: 86400) */
  inputUrlTtlSec?: number
  /** Upstream latency and error kinds per channel (the /metrics endpoint). */
  metrics?: UpstreamMetrics
  /** Translates and enhances prompts before a submit; absent: prompts go as sent. */
  prompts?: PromptStage
  /** How job outcomes share commits (REELAY_GROUP_COMMIT_*). (Default: DEFAULT_GROUP_COMMIT) */
  groupCommit?: GroupCommitOptions
}

export interface UpstreamMetrics {
  upstreamCall(channel: string, op: 'submit' | 'poll', seconds: number): void
  upstreamError(channel: string, kind: string): void
}
