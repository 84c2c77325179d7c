import { z } from 'zod'
import { Id, Page } from '../account/schemas.js'

export const SearchQuery = z.object({ q: z.string().max(200).optional(), ...Page })
export const IdParams = z.object({ id: Id })
export const NameParams = z.object({ name: z.string().min(1).max(100) })
export const CreateAccountBody = z.object({ name: z.string().max(64), plan: z.string().max(64).optional(), credits: z.number().int().min(0).optional() })
export const UpdateAccountBody = z.object({ plan: z.string().max(64).optional(), disabled: z.boolean().optional() })
export const CreditsBody = z.object({ amount: z.number().int(), reason: z.string().max(500) })
export const UpdateUserBody = z.object({ disabled: z.boolean().optional(), role: z.enum(['user', 'admin']).optional() })
export const InviteBody = z.object({ email: z.string().max(254) })
export const AdminJobsQuery = z.object({
  accountId: Id.optional(),
  status: z.enum(['queued', 'processing', 'succeeded', 'failed', 'cancelled']).optional(),
  model: z.string().max(100).optional(),
  ...Page,
})
export const AuditQuery = z.object({ ...Page })
export const SettingsBody = z.object({ signupMode: z.enum(['open', 'invite', 'closed']) })
