import type { paths } from '../../../packages/sdk/src/generated/openapi'

// The agreed /account/v1, /admin/v1 and billing contract (briefs: contract-accounts), as the
// dashboard reads it. Native catalog shapes mirror GET /v1/models.

export type Locale = 'en' | 'nl' | 'zh'
export type SignupMode = 'open' | 'invite' | 'closed'

export interface SetupState {
  needsSetup: boolean
  signupMode: SignupMode
}

export interface SessionUser {
  id: string
  email: string
  name: string | null
  role: 'user' | 'admin'
  locale: Locale | null
}

export interface SessionAccount {
  id: string
  name: string
  kind: 'personal' | 'team'
  role: 'owner' | 'admin' | 'member'
}

export interface Session {
  user: SessionUser
  accounts: SessionAccount[]
  csrfToken: string
}

export interface Page<T> {
  data: T[]
  nextCursor: string | null
}

export interface Balance {
  accountId: string
  plan: string
  balance: number
  reserved: number
  available: number
  flagged: boolean
  lowBalanceThreshold: number | null
}

export interface ApiKey {
  id: string
  name: string | null
  prefix: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
  webhook: { url: string; progressEvents: boolean } | null
}

export interface CreatedKey extends ApiKey {
  key: string
}

export interface WebhookSetting {
  url: string | null
  secret: string | null
  progressEvents: boolean
}

export interface Usage {
  byDay: Array<{ day: string; credits: number; jobs: number }>
  byModel: Array<{ model: string; credits: number; jobs: number }>
  totals: { credits: number; jobs: number }
}

export interface LedgerEntry {
  id: string
  at: number
  kind: string
  amount: number
  jobId: string | null
  source: string | null
  reason: string | null
}

export type JobStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled'

export interface JobSummary {
  id: string
  model: string
  mode: string
  status: JobStatus
  progress: number | null
  createdAt: number
  finishedAt: number | null
  credits: { held: number; captured: number; released: number }
  thumbnailUrl: string | null
  outputUrl: string | null
  outputType: 'image' | 'video' | null
}

export interface WebhookAttempt {
  at: number
  statusCode: number | null
  error: string | null
}

export interface WebhookDelivery {
  id: string
  event: string
  url: string
  status: string
  jobId?: string | null
  createdAt?: number
  attempts: WebhookAttempt[]
}

export interface JobDetail extends JobSummary {
  params: Record<string, unknown>
  prompt: { original: string; language: string | null; translated: string | null; enhanced: string | null; pipeline: unknown } | null
  timeline: Array<{ status: string; at: number }>
  error: { code: string; message: string } | null
  webhookDeliveries: WebhookDelivery[]
}

export interface Team {
  id: string
  name: string
  members: Array<{ userId: string; email: string; name: string | null; role: SessionAccount['role'] }>
  invites: Array<{ email: string; role: string; expiresAt?: number }>
  usageByMember: Array<{ userId: string; credits: number; jobs: number }>
}

export interface Invite {
  inviteToken: string
  inviteUrl: string
}

export interface Quote {
  credits: number
  breakdown: Array<{ item: string; credits: number }>
  available: number
}

/** Money in the currency's main unit (dollars, euros), as GET /v1/pricing gives it. */
export interface Money {
  amount: number
  currency: string
}

export type PricedModel =
  | { id: string; name: string; type: 'video'; unit: 'second'; perSecond: Array<{ resolution: string; creditsPerSecond: number; price: Money }> }
  | { id: string; name: string; type: 'image'; unit: 'image'; images: Array<{ tier: string; quality: string; resolution: string; credits: number; price: Money }> }

export interface Pricing {
  currency: string
  creditsPerUnit?: number
  models: PricedModel[]
  packs: Array<{ id: string; name: string; credits: number; price: { amount: number; currency: string } }>
  plans: Array<{ id: string; name: string; monthlyCredits: number; price: { amount: number; currency: string } | null; limits: { requestsPerMinute: number; activeJobs: number } }>
}

// Operator shapes: the contract names the fields the pages show; anything else is displayed as is.
export interface AdminAccount {
  id: string
  /** The handle (`personal-…`); people see `displayName`. */
  name: string
  displayName?: string | null
  plan: string
  kind?: string
  balance?: number
  reserved?: number
  available?: number
  disabled?: boolean
  createdAt?: number
}

export interface AdminUser {
  id: string
  email: string
  name: string | null
  role: 'user' | 'admin'
  disabled?: boolean
  createdAt?: number
}

export interface AdminJob extends JobSummary {
  accountId?: string
  channel: string | null
  provider: string | null
  upstreamId: string | null
  upstreamError: string | null
}

export interface Channel {
  name: string
  provider: string
  region: string | null
  healthy: boolean
  breaker: 'closed' | 'open' | 'half-open'
  inFlight: number
  capacity: number | null
}

export interface AuditEntry {
  id: string
  at: number
  actorUserId: string | null
  action: string
  target: string | null
  detail: unknown
}

export interface SystemInfo {
  version: string
  config: Record<string, unknown>
  database: 'sqlite' | 'postgres'
}

/** One model of GET /v1/models: video models carry durations, image models qualities and batch. */
export interface CatalogModel {
  id: string
  type: 'video' | 'image'
  name: string
  description: string
  prompt: { min: number; max: number }
  durations?: number[]
  autoDuration?: boolean
  seed?: boolean
  resolutions: string[]
  aspectRatios: string[]
  audio?: boolean
  frames?: boolean
  references?: { images: number; videos: number; audios: number; total: number }
  upscale?: string[]
  qualities?: string[]
  formats?: string[]
  batch?: { min: number; max: number }
  maxReferenceImages?: number
  tiers?: string[]
}

// The native submit bodies the playground sends, from the server's OpenAPI document (through the
// SDK's generated types): a renamed or removed field fails the dashboard's typecheck.
type JsonBody<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never
export type VideoRequest = JsonBody<'/v1/videos/generate'>
export type ImageRequest = JsonBody<'/v1/images/generate'>
