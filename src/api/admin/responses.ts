import { z } from 'zod'
import { InviteSchema, JobSummarySchema } from '../account/responses.js'

/** Response bodies of /admin/v1. */

const ms = z.number().int().describe('ms since the epoch')
const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() })
const figures = { balance: z.number().int(), reserved: z.number().int(), available: z.number().int() }

export const AccountViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string().nullable(),
  kind: z.enum(['personal', 'team', 'service']),
  plan: z.string(),
  ...figures,
  disabled: z.boolean(),
  createdAt: ms,
})
export const AccountPageSchema = page(AccountViewSchema)
export const AccountDetailSchema = AccountViewSchema.extend({
  members: z.array(z.object({ userId: z.string(), email: z.string(), name: z.string(), role: z.enum(['owner', 'admin', 'member']) })),
  keys: z.array(z.object({ id: z.string(), name: z.string().nullable(), prefix: z.string(), createdAt: ms, lastUsedAt: ms.nullable(), revokedAt: ms.nullable() })),
})
export const CreditsSchema = z.object({ accountId: z.string(), ...figures })

export const UserViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['user', 'admin']),
  locale: z.string(),
  disabled: z.boolean(),
  personalAccountId: z.string(),
  createdAt: ms,
})
export const UserPageSchema = page(UserViewSchema)
export const ResetLinkSchema = z.object({ url: z.string(), expiresAt: ms, mailed: z.boolean().describe('Also mailed to the user (REELAY_SMTP_URL is set and the mail server took it)') })
export { InviteSchema }

export const AuditPageSchema = page(z.object({ id: z.string(), at: ms, actorUserId: z.string().nullable(), action: z.string(), target: z.string(), detail: z.record(z.string(), z.unknown()) }))
export const SettingsSchema = z.object({ signupMode: z.enum(['open', 'invite', 'closed']) })

export const AdminJobsPageSchema = page(
  JobSummarySchema.extend({
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    channel: z.string().nullable(),
    provider: z.string().nullable(),
    upstreamId: z.string().nullable(),
    upstreamError: z.string().nullable().describe('Raw upstream detail: operators only'),
  }),
)

export const ChannelsSchema = z.array(
  z.object({
    name: z.string(),
    provider: z.string(),
    region: z.string().nullable(),
    capacity: z.number().int().nullable(),
    healthy: z.boolean(),
    breaker: z.enum(['closed', 'open', 'half-open']),
    inFlight: z.number().int(),
  }),
)
export const ChannelTestSchema = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() })
export const PricesSchema = z.record(z.string(), z.unknown()).describe('The price book: models, options, plans, and creditUsd')
const exact = z.object({ balance: z.string(), reserved: z.string() })
export const DoctorSchema = z.object({ ok: z.boolean(), problems: z.array(z.object({ account: z.string(), cached: exact, ledger: exact })) })
export const SystemSchema = z.object({ version: z.string(), database: z.enum(['sqlite', 'postgres']), config: z.record(z.string(), z.unknown()) })
