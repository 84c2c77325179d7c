import { z } from 'zod'

const email = z.string().max(254)
const password = z.string().max(256)
export const Id = z.string().min(1).max(100)

export const SetupBody = z.object({ token: z.string().max(200), email, password, name: z.string().max(100).optional() })
export const SignupBody = z.object({ email, password, name: z.string().max(100).optional(), inviteToken: z.string().max(200).optional() })
export const LoginBody = z.object({ email, password })
export const ProfileBody = z.object({
  name: z.string().max(100).optional(),
  locale: z.enum(['en', 'nl', 'zh']).optional(),
  password: z.object({ current: password, next: password }).optional(),
})
export const PasswordResetBody = z.object({ token: z.string().max(200), password })
export const KeyNameBody = z.object({ name: z.string().max(100) })
export const KeyParams = z.object({ id: Id })
export const WebhookBody = z.object({
  url: z.string().max(4096).nullable(),
  progressEvents: z.boolean().optional(),
  rotateSecret: z.boolean().optional(),
})
export const AccountParams = z.object({ accountId: Id })
export const Page = {
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
}
export const UsageQuery = z.object({
  accountId: Id.optional(),
  from: z.coerce.number().int().min(0).optional().describe('ms since the epoch; default 30 days ago'),
  to: z.coerce.number().int().min(0).optional().describe('ms since the epoch; default now'),
})
export const LedgerQuery = z.object({ accountId: Id.optional(), format: z.enum(['json', 'csv']).optional(), ...Page })
export const JobStatus = z.enum(['queued', 'processing', 'succeeded', 'failed', 'cancelled'])
export const JobsQuery = z.object({ accountId: Id.optional(), status: JobStatus.optional(), model: z.string().max(100).optional(), ...Page })
export const JobParams = z.object({ id: Id })
export const SubmitBody = z.object({ accountId: Id, kind: z.enum(['video', 'image']), request: z.record(z.string(), z.unknown()) })
export const DeliveriesQuery = z.object({ accountId: Id.optional(), ...Page })
export const TeamBody = z.object({ name: z.string().max(100) })
export const TeamParams = z.object({ id: Id })
export const MemberParams = z.object({ id: Id, userId: Id })
export const Role = z.enum(['owner', 'admin', 'member'])
export const InviteBody = z.object({ email, role: Role })
export const RoleBody = z.object({ role: Role })
export const AcceptInviteBody = z.object({ inviteToken: z.string().max(200) })
