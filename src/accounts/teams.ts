import { sql } from 'kysely'
import { AppError, invalid } from '../errors.js'
import { newId } from '../domain/ids.js'
import { hashToken, isToken, newToken } from './tokens.js'
import { insertAccountFor, normalEmail } from './users.js'
import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { MailNotices } from './mail-notices.js'
import type { AccountKind, Database, InvitesTable, MemberRole, UsersTable } from '../store/schema.js'

export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const
export const INVITE_TTL_MS = 7 * 24 * 3_600_000

export interface Membership {
  id: string
  name: string
  kind: AccountKind
  role: MemberRole
}

export interface TeamsOptions {
  defaultPlan: string
  publicUrl: string
  /** Mails each invite when SMTP is configured. */
  notices?: MailNotices
}

/**
 * Teams are accounts with `kind = team`: a shared pool of credits with members. Every check of
 * "may this user act on this account" lives here; another tenant's account reads as not found.
 */
export function createTeams(store: Store, clock: Clock, opts: TeamsOptions) {
  const { db } = store

  async function roleIn(userId: string, accountId: string, trx = db): Promise<MemberRole | null> {
    const row = await trx
      .selectFrom('accountMembers')
      .innerJoin('accounts', 'accounts.id', 'accountMembers.accountId')
      .select('accountMembers.role')
      .where('accountMembers.userId', '=', userId)
      .where('accountMembers.accountId', '=', accountId)
      .where('accounts.disabledAt', 'is', null)
      .executeTakeFirst()
    return row?.role ?? null
  }

  /** The user's role on the account; 404 when they are not a member (nothing about others leaks). */
  async function requireRole(userId: string, accountId: string, allowed: readonly MemberRole[] = MEMBER_ROLES, trx = db): Promise<MemberRole> {
    const role = await roleIn(userId, accountId, trx)
    if (!role) throw new AppError('not_found', 'No account with this id among yours.', { field: 'accountId' })
    if (!allowed.includes(role)) throw new AppError('forbidden', `Only a team ${allowed.join(' or ')} may do this.`)
    return role
  }

  async function requireTeam(userId: string, teamId: string, allowed: readonly MemberRole[] = MEMBER_ROLES, trx = db): Promise<MemberRole> {
    const acct = await trx.selectFrom('accounts').select('kind').where('id', '=', teamId).executeTakeFirst()
    if (acct?.kind !== 'team') throw new AppError('not_found', 'No team with this id among yours.')
    return requireRole(userId, teamId, allowed, trx)
  }

  async function owners(trx: Kysely<Database>, teamId: string): Promise<number> {
    const r = await trx
      .selectFrom('accountMembers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('accountId', '=', teamId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async function createInvite(trx: Kysely<Database>, createdBy: string, email: string, accountId: string | null, role: MemberRole): Promise<{ inviteToken: string; inviteUrl: string; id: string }> {
    const now = clock.now()
    const token = newToken('invite')
    const id = newId('inv', now)
    await trx
      .insertInto('invites')
      .values({ id, tokenHash: hashToken(token), email: normalEmail(email), accountId, role, createdBy, createdAt: now, expiresAt: now + INVITE_TTL_MS, acceptedAt: null })
      .execute()
    return { id, inviteToken: token, inviteUrl: `${opts.publicUrl}/invite?token=${token}` }
  }

  /** An unexpired, unused invite for `email`; a 400 on `inviteToken` otherwise. */
  async function openInvite(trx: Kysely<Database>, token: string, email: string): Promise<InvitesTable> {
    const row = isToken('invite', token) ? await trx.selectFrom('invites').selectAll().where('tokenHash', '=', hashToken(token)).executeTakeFirst() : undefined
    if (!row || row.acceptedAt !== null || row.expiresAt <= clock.now()) throw invalid('inviteToken', 'is not a valid, unused invite (invites last 7 days)')
    if (row.email !== email) throw invalid('inviteToken', 'was issued for another email address')
    return row
  }

  /** Marks the invite used and, for a team invite, makes the user a member. */
  async function acceptIn(trx: Kysely<Database>, invite: InvitesTable, userId: string): Promise<void> {
    const now = clock.now()
    const res = await trx.updateTable('invites').set({ acceptedAt: now }).where('id', '=', invite.id).where('acceptedAt', 'is', null).executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) throw invalid('inviteToken', 'was used already')
    if (!invite.accountId) return
    await trx
      .insertInto('accountMembers')
      .values({ accountId: invite.accountId, userId, role: invite.role, createdAt: now })
      .onConflict((oc) => oc.columns(['accountId', 'userId']).doNothing())
      .execute()
  }

  return {
    roleIn,
    requireRole,
    createInvite,
    openInvite,
    acceptIn,

    /** The accounts a user may use: their personal one first, then their teams by name. */
    async accountsOf(userId: string): Promise<Membership[]> {
      const rows = await db
        .selectFrom('accountMembers')
        .innerJoin('accounts', 'accounts.id', 'accountMembers.accountId')
        .select(['accounts.id', 'accounts.name', 'accounts.displayName', 'accounts.kind', 'accountMembers.role'])
        .where('accountMembers.userId', '=', userId)
        .where('accounts.disabledAt', 'is', null)
        .orderBy('accounts.id')
        .execute()
      const out = rows.map((r) => ({ id: r.id, name: r.displayName ?? r.name, kind: r.kind ?? 'service', role: r.role }))
      return [...out.filter((a) => a.kind === 'personal'), ...out.filter((a) => a.kind !== 'personal').sort((a, b) => a.name.localeCompare(b.name))]
    },

    async create(userId: string, name: string): Promise<Membership> {
      const display = name.trim()
      if (display.length === 0 || display.length > 100) throw invalid('name', 'must be 1–100 characters')
      const id = await db.transaction().execute((trx) => insertAccountFor(trx, clock.now(), 'team', display, opts.defaultPlan, { userId, role: 'owner' }))
      return { id, name: display, kind: 'team', role: 'owner' }
    },

    /** Members, open invites, and (to owners and admins) credits spent by each member. */
    async detail(userId: string, teamId: string) {
      const role = await requireTeam(userId, teamId)
      const acct = await db.selectFrom('accounts').select(['id', 'name', 'displayName']).where('id', '=', teamId).executeTakeFirstOrThrow()
      const members = await db
        .selectFrom('accountMembers')
        .innerJoin('users', 'users.id', 'accountMembers.userId')
        .select(['users.id as userId', 'users.email', 'users.name', 'accountMembers.role'])
        .where('accountMembers.accountId', '=', teamId)
        .orderBy('accountMembers.createdAt')
        .execute()
      const invites = await db
        .selectFrom('invites')
        .select(['id', 'email', 'role', 'createdAt', 'expiresAt'])
        .where('accountId', '=', teamId)
        .where('acceptedAt', 'is', null)
        .where('expiresAt', '>', clock.now())
        .orderBy('createdAt')
        .execute()
      return { id: acct.id, name: acct.displayName ?? acct.name, role, members, invites, usageByMember: role === 'member' ? [] : await usageByMember(db, teamId) }
    },

    async invite(userId: string, teamId: string, email: string, role: MemberRole) {
      const mine = await requireTeam(userId, teamId, ['owner', 'admin'])
      if (role === 'owner' && mine !== 'owner') throw new AppError('forbidden', 'Only an owner may invite another owner.')
      const { inviteToken, inviteUrl } = await db.transaction().execute((trx) => createInvite(trx, userId, email, teamId, role))
      // After the commit: a slow mail server must not hold the write transaction.
      const team = await db.selectFrom('accounts').select(['name', 'displayName']).where('id', '=', teamId).executeTakeFirst()
      const mailed = opts.notices ? await opts.notices.invite(normalEmail(email), inviteUrl, team?.displayName ?? team?.name ?? null) : false
      return { inviteToken, inviteUrl, mailed }
    },

    /** A signed-in user takes a team invite made out to their email. */
    async accept(user: UsersTable, token: string): Promise<void> {
      await db.transaction().execute(async (trx) => acceptIn(trx, await openInvite(trx, token, user.email), user.id))
    },

    async setRole(actorId: string, teamId: string, userId: string, role: MemberRole): Promise<void> {
      const mine = await requireTeam(actorId, teamId, ['owner', 'admin'])
      await db.transaction().execute(async (trx) => {
        const current = await roleIn(userId, teamId, trx)
        if (!current) throw new AppError('not_found', 'No member with this id in the team.', { field: 'userId' })
        if ((role === 'owner' || current === 'owner') && mine !== 'owner') throw new AppError('forbidden', 'Only an owner may make or unmake owners.')
        if (current === 'owner' && role !== 'owner' && (await owners(trx, teamId)) <= 1) throw invalid('role', 'would leave the team without an owner')
        await trx.updateTable('accountMembers').set({ role }).where('accountId', '=', teamId).where('userId', '=', userId).execute()
      })
    },

    /** Owners and admins remove members; anyone may leave. The last owner stays. */
    async removeMember(actorId: string, teamId: string, userId: string): Promise<void> {
      const mine = await requireTeam(actorId, teamId, actorId === userId ? MEMBER_ROLES : ['owner', 'admin'])
      await db.transaction().execute(async (trx) => {
        const current = await roleIn(userId, teamId, trx)
        if (!current) throw new AppError('not_found', 'No member with this id in the team.', { field: 'userId' })
        if (current === 'owner' && mine !== 'owner') throw new AppError('forbidden', 'Only an owner may remove an owner.')
        if (current === 'owner' && (await owners(trx, teamId)) <= 1) throw invalid('userId', 'is the last owner; make someone else owner first')
        await trx.deleteFrom('accountMembers').where('accountId', '=', teamId).where('userId', '=', userId).execute()
      })
    },
  }
}

export type Teams = ReturnType<typeof createTeams>

/**
 * Dashboard jobs record the member who made them in `api_key_id` (a `usr_` id; API-key jobs are
 * charged to personal accounts and never land on a team), so a team's spend per member is one
 * grouped query over its captures.
 */
async function usageByMember(db: Kysely<Database>, teamId: string): Promise<Array<{ userId: string; credits: number; jobs: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .leftJoin('ledgerEntries', (j) => j.onRef('ledgerEntries.jobId', '=', 'jobs.id').on('ledgerEntries.kind', '=', 'capture'))
    .select(['jobs.apiKeyId as userId', sql<string>`coalesce(sum(ledger_entries.amount), 0)`.as('credits'), sql<string>`count(distinct jobs.id)`.as('jobs')])
    .where('jobs.accountId', '=', teamId)
    .groupBy('jobs.apiKeyId')
    .execute()
  return rows.map((r) => ({ userId: r.userId, credits: Number(r.credits), jobs: Number(r.jobs) }))
}
