import { z } from 'zod'

/** Response bodies of /account/v1 (and the parts /admin/v1 shares): the OpenAPI document and the harness's drift check hold every answer to them. */

const ms = z.number().int().describe('ms since the epoch')
const nullableMs = ms.nullable()
const role = z.enum(['owner', 'admin', 'member'])

export const MembershipSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(['personal', 'team', 'service']), role })

export const SessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['user', 'admin']), locale: z.string() }),
  accounts: z.array(MembershipSchema),
  csrfToken: z.string().describe('Send as `x-csrf-token` with every POST, PUT, PATCH and DELETE'),
})

export const SetupStateSchema = z.object({ needsSetup: z.boolean(), signupMode: z.enum(['open', 'invite', 'closed']) })

export const NoContentSchema = z.null().describe('No body')

export const KeySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  prefix: z.string(),
  createdAt: ms,
  lastUsedAt: nullableMs,
  revokedAt: nullableMs,
  webhook: z.object({ url: z.string(), progressEvents: z.boolean() }).nullable(),
})
export const KeyListSchema = z.object({ data: z.array(KeySchema) })
export const NewKeySchema = KeySchema.extend({ key: z.string().describe('The secret: shown in this answer only') })
export const RevokedKeySchema = z.object({ id: z.string(), revoked: z.literal(true) })
export const KeyWebhookSchema = z.object({ url: z.string().nullable(), secret: z.string(), progressEvents: z.boolean() })

export const BalanceSchema = z.object({
  accountId: z.string(),
  plan: z.string(),
  balance: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  flagged: z.boolean(),
  lowBalanceThreshold: z.number().int().nullable(),
})

const spend = { credits: z.number().int(), jobs: z.number().int() }
export const UsageSchema = z.object({
  byDay: z.array(z.object({ day: z.string().describe('YYYY-MM-DD (UTC)'), ...spend })),
  byModel: z.array(z.object({ model: z.string(), ...spend })),
  totals: z.object(spend),
})

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() })

export const LedgerPageSchema = page(
  z.object({
    id: z.string(),
    at: ms,
    kind: z.enum(['hold', 'capture', 'release', 'grant', 'adjust']),
    amount: z.number().int(),
    jobId: z.string().nullable(),
    source: z.enum(['job', 'grant', 'adjust']),
    reason: z.string().nullable(),
  }),
)

export const JobSummarySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  model: z.string(),
  mode: z.string(),
  status: z.enum(['queued', 'processing', 'succeeded', 'failed', 'cancelled']),
  progress: z.number(),
  createdAt: ms,
  finishedAt: nullableMs,
  credits: z.object({ held: z.number().int(), captured: z.number().int(), released: z.number().int() }),
  thumbnailUrl: z.string().nullable(),
  outputUrl: z.string().nullable(),
  outputType: z.enum(['image', 'video']).nullable(),
})
export const JobsPageSchema = page(JobSummarySchema)

const attempt = z.object({ at: ms, statusCode: z.number().int().nullable(), error: z.string().nullable() })
export const DeliveryLineSchema = z.object({ id: z.string(), jobId: z.string(), event: z.string(), url: z.string(), status: z.string(), createdAt: ms, attempts: z.array(attempt) })
export const DeliveriesPageSchema = page(DeliveryLineSchema)

export const JobDetailSchema = JobSummarySchema.extend({
  params: z.record(z.string(), z.unknown()),
  prompt: z.object({
    original: z.string(),
    language: z.string().nullable(),
    translated: z.string().nullable(),
    enhanced: z.string().nullable(),
    pipeline: z.object({ mode: z.string(), state: z.string(), summary: z.string() }).nullable(),
  }),
  timeline: z.array(z.object({ status: z.string(), at: ms })),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  outputs: z.array(z.object({ url: z.string(), mimeType: z.string(), width: z.number().nullable(), height: z.number().nullable(), durationSec: z.number().nullable(), bytes: z.number().int() })),
  webhookDeliveries: z.array(DeliveryLineSchema.omit({ jobId: true, createdAt: true })),
})

/** The delivery as the native webhook log shows it (`webhooks/delivery-log.ts`). */
export const RedeliveredSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  event: z.string(),
  url: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  log: z.array(z.object({ attempt: z.number().int(), at: z.string(), httpStatus: z.number().int().nullable(), latencyMs: z.number(), error: z.string().nullable(), response: z.string().nullable() })),
})

export const TeamListSchema = z.object({ data: z.array(MembershipSchema) })
export const TeamDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  role,
  members: z.array(z.object({ userId: z.string(), email: z.string(), name: z.string(), role })),
  invites: z.array(z.object({ id: z.string(), email: z.string(), role, createdAt: ms, expiresAt: ms })),
  usageByMember: z.array(z.object({ userId: z.string(), ...spend })),
})
export const InviteSchema = z.object({
  inviteToken: z.string(),
  inviteUrl: z.string(),
  mailed: z.boolean().describe('Also mailed to the invited address (REELAY_SMTP_URL is set and the mail server took it)'),
})
export const RemovedMemberSchema = z.object({ userId: z.string(), removed: z.literal(true) })
