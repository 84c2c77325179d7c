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
  /** personal (a user's own balance), team (a shared pool) or service (operator-made, API only). */
  kind?: AccountKind | undefined
  /** The name people see (a team's name); `name` stays the unique handle. */
  displayName?: string | null | undefined
  /** Set by an operator: its keys and sessions stop working on it. */
  disabledAt?: number | null | undefined
  /** The account's default region for new jobs; null: the node's (REELAY_REGION). */
  region?: string | null | undefined
  /** Its queued and processing jobs, kept by triggers on `jobs` (migration 0015). */
  activeJobs?: number | undefined
}

export type AccountKind = 'personal' | 'team' | 'service'

export interface ApiKeysTable {
  id: string
  accountId: string
  name: string | null
  prefix: string
  hash: string
  createdAt: number
  revokedAt: number | null
  /** Updated at most once a minute per key (`accounts.authenticate`). */
  lastUsedAt?: number | null | undefined
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

export interface RedeemBatchesTable {
  id: string
  credits: number
  count: number
  expiresAt: number | null
  onePerAccount: number
  note: string | null
  createdAt: number
}

/** A redeem code by its SHA-256 only; `prefix` (its first characters) lets an operator find it. */
export interface RedeemCodesTable {
  hash: string
  batchId: string
  prefix: string
  redeemedBy: string | null
  redeemedAt: number | null
}

export interface RedeemClaimsTable {
  batchId: string
  accountId: string
  createdAt: number
}

export interface StripeEventsTable {
  id: string
  type: string
  accountId: string | null
  outcome: string
  createdAt: number
}

export interface BillingPurchasesTable {
  paymentIntent: string
  checkoutSession: string
  accountId: string
  packId: string
  credits: number
  /** What the customer paid, in the currency's minor unit. */
  amount: number
  currency: string
  /** Credits already taken back by refunds and disputes. */
  debited: number
  createdAt: number
}

export interface BillingSubscriptionsTable {
  id: string
  accountId: string
  planId: string
  status: string
  currentPeriodEnd: number | null
  endedAt: number | null
  updatedAt: number
}

export interface BillingInvoicesTable {
  id: string
  accountId: string
  subscriptionId: string
  credits: number
  createdAt: number
}

export interface BillingAccountsTable {
  accountId: string
  stripeCustomer: string | null
  flag: 'refund' | 'dispute' | null
  flaggedAt: number | null
  lowBalanceThreshold: number | null
  lowBalanceSentAt: number | null
  updatedAt: number
}

export interface MetaTable {
  key: string
  value: string
}

export type UserRole = 'user' | 'admin'
export type MemberRole = 'owner' | 'admin' | 'member'

export interface UsersTable {
  id: string
  /** Lower-cased; unique. */
  email: string
  name: string
  /** `scrypt$N$r$p$salt$hash` (src/accounts/passwords.ts). */
  passwordHash: string
  role: UserRole
  locale: string
  personalAccountId: string
  disabledAt: number | null
  createdAt: number
  updatedAt: number
}

export interface AccountMembersTable {
  accountId: string
  userId: string
  role: MemberRole
  createdAt: number
}

export interface SessionsTable {
  id: string
  userId: string
  /** SHA-256 of the token; the token itself is only ever in the cookie (or the CLI's config). */
  tokenHash: string
  kind: 'browser' | 'api'
  createdAt: number
  expiresAt: number
  revokedAt: number | null
}

export interface InvitesTable {
  id: string
  tokenHash: string
  email: string
  /** null: an invitation to sign up; else to join this team. */
  accountId: string | null
  role: MemberRole
  createdBy: string
  createdAt: number
  expiresAt: number
  acceptedAt: number | null
}

export interface PasswordResetsTable {
  tokenHash: string
  userId: string
  createdAt: number
  expiresAt: number
  usedAt: number | null
}

export interface LoginFailuresTable {
  email: string
  failures: number
  windowStart: number
  lockedUntil: number | null
}

export interface AuditLogTable {
  id: string
  at: number
  /** null: the operator CLI on the database itself. */
  actorUserId: string | null
  action: string
  target: string
  /** JSON. */
  detail: string
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
  redeemBatches: RedeemBatchesTable
  redeemCodes: RedeemCodesTable
  redeemClaims: RedeemClaimsTable
  stripeEvents: StripeEventsTable
  billingPurchases: BillingPurchasesTable
  billingSubscriptions: BillingSubscriptionsTable
  billingInvoices: BillingInvoicesTable
  billingAccounts: BillingAccountsTable
  users: UsersTable
  accountMembers: AccountMembersTable
  sessions: SessionsTable
  invites: InvitesTable
  passwordResets: PasswordResetsTable
  loginFailures: LoginFailuresTable
  auditLog: AuditLogTable
}

export type Seq = Generated<number>
