import type { Generated } from 'kysely'

/** Table types as Kysely sees them through CamelCasePlugin (snake_case in SQL). */
export interface AccountsTable {
  id: string
  name: string
  plan: string
  /** Cached ledger figures; `reelay doctor` recomputes them from the entries. */
  balance: number
  reserved: number
  createdAt: number
  /** The account's default prompt mode (`raw`, `translate`, `enhance`); null: the operator's. */
  promptMode?: string | null | undefined
  /** The account's default region for new jobs; null: the node's (REELAY_REGION). */
  region?: string | null | undefined
}

export interface ApiKeysTable {
  id: string
  accountId: string
  name: string | null
  prefix: string
  hash: string
  createdAt: number
  revokedAt: number | null
}

/**
 * Which claim loop runs a job's next step. `polls`: an upstream is running it and the next step
 * is one status request (I/O-bound). `steps`: submits and work done in this process (renders).
 */
export type JobLane = 'steps' | 'polls'

export interface JobsTable {
  id: string
  accountId: string
  apiKeyId: string
  dialect: string
  model: string
  type: 'image' | 'video'
  params: string
  price: number
  status: 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled'
  progress: number
  errorCode: string | null
  errorMessage: string | null
  /** Operator-only: raw upstream detail, never shown to customers. */
  errorDetail: string | null
  provider: string | null
  channel: string | null
  upstreamId: string | null
  /** Set when a submit's outcome is unknown, so the next attempt checks before resubmitting. */
  submitUncertain: number
  attempt: number
  pollCount: number
  leaseOwner: string | null
  leaseExpiresAt: number | null
  nextRunAt: number
  deadlineAt: number
  outputs: string | null
  webhookUrl: string | null
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  updatedAt: number
  /** Set when the customer deleted the job's outputs (OpenAI `DELETE /v1/videos/:id`). */
  deletedAt: number | null
  /** Comma-separated channels that refused this job's submit (failover skips them). */
  refusedChannels: string | null
  /** The id of the API request that created the job (worker log lines carry it). */
  requestId: string | null
  /** The prompt pipeline's record (JSON, src/prompts/record.ts); null on jobs from before it. */
  promptPipeline?: string | null | undefined
  /** The region the job prefers (request, account, or the node that took it); null: none. */
  region?: string | null | undefined
  /** Set when a channel accepts the job (migration 0014); `steps` until then. */
  lane?: JobLane | undefined
  /** The model's typical run time, stored at submit: the poll schedule needs no catalog lookup. */
  pollTypicalMs?: number | null | undefined
}

export interface LedgerEntriesTable {
  id: string
  accountId: string
  jobId: string | null
  kind: 'hold' | 'capture' | 'release' | 'grant' | 'adjust'
  amount: number
  note: string | null
  createdAt: number
}

export interface IdempotencyKeysTable {
  accountId: string
  key: string
  fingerprint: string
  jobId: string
  createdAt: number
  expiresAt: number
}

export interface WebhookEndpointsTable {
  apiKeyId: string
  accountId: string
  url: string | null
  secret: string
  previousSecret: string | null
  previousSecretExpiresAt: number | null
  progressEvents: number
  disabledAt: number | null
  disabledReason: string | null
  createdAt: number
  updatedAt: number
}

export interface WebhookDeliveriesTable {
  id: string
  jobId: string
  accountId: string
  apiKeyId: string
  event: string
  url: string
  /** `request` (the job's own URL) or `key` (the key's default URL). */
  target: 'request' | 'key'
  /** Rendered on the first attempt and kept, so every retry sends the same bytes. */
  payload: string | null
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: number
  leaseOwner: string | null
  leaseExpiresAt: number | null
  lastStatus: number | null
  createdAt: number
  deliveredAt: number | null
}

export interface WebhookAttemptsTable {
  id: string
  deliveryId: string
  attempt: number
  at: number
  httpStatus: number | null
  latencyMs: number
  error: string | null
  responseSnippet: string | null
}

/** A customer's uploaded file; `jobId` is null until the job that uses it commits. */
export interface UploadsTable {
  key: string
  accountId: string
  jobId: string | null
  bytes: number
  sha256: string
  createdAt: number
}

/** One reference a job was given, as fetched, checked and stored at submit. */
export interface JobInputsTable {
  jobId: string
  /** The canonical field: `firstFrameUrl`, `referenceImageUrls`, … */
  slot: string
  idx: number
  storageKey: string
  kind: 'image' | 'video' | 'audio'
  mime: string
  bytes: number
  sha256: string
  width: number | null
  height: number | null
  durationMs: number | null
  hasAudio: number
  createdAt: number
}

export interface MetaTable {
  key: string
  value: string
}

export interface Database {
  accounts: AccountsTable
  apiKeys: ApiKeysTable
  jobs: JobsTable
  ledgerEntries: LedgerEntriesTable
  idempotencyKeys: IdempotencyKeysTable
  webhookEndpoints: WebhookEndpointsTable
  webhookDeliveries: WebhookDeliveriesTable
  webhookAttempts: WebhookAttemptsTable
  meta: MetaTable
  uploads: UploadsTable
  jobInputs: JobInputsTable
}

export type Seq = Generated<number>
