import { AppError, invalid } from '../errors.js'
import { ledger } from '../ledger/ledger.js'
import { DEFAULT_MAX_BALANCE } from '../domain/credits.js'
import { containsPattern, pageLimit, pageOf } from './pages.js'
import { normalEmail, viewUser } from './users.js'
import type { Accounts } from './accounts.js'
import type { People } from './people.js'
import type { SignupMode } from './settings.js'
import type { Clock } from '../domain/clock.js'
import type { PriceBook } from '../catalog/prices.js'
import type { Store } from '../store/db.js'
import type { AccountsTable, UserRole } from '../store/schema.js'

export interface AccountView {
  id: string
  name: string
  displayName: string | null
  kind: string
  plan: string
  balance: number
  reserved: number
  available: number
  disabled: boolean
  createdAt: number
}

export function viewAccount(a: AccountsTable): AccountView {
  return {
    id: a.id,
    name: a.name,
    displayName: a.displayName ?? null,
    kind: a.kind ?? 'service',
    plan: a.plan,
    balance: a.balance,
    reserved: a.reserved,
    available: a.balance - a.reserved,
    disabled: (a.disabledAt ?? null) !== null,
    createdAt: a.createdAt,
  }
}

export interface OperatorDeps {
  store: Store
  clock: Clock
  accounts: Accounts
  people: People
  prices: PriceBook
  maxBalance?: number
}

/**
 * What operators do to accounts and users. Every change writes an audit entry naming the acting
 * user (null: the CLI on the database itself) in the transaction that makes it, where the
 * change has one.
 */
export function createOperator(deps: OperatorDeps) {
  const { store, clock, people, prices } = deps
  const { db } = store
  const maxBalance = deps.maxBalance ?? DEFAULT_MAX_BALANCE

  async function account(id: string): Promise<AccountsTable> {
    const a = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
    if (!a) throw new AppError('not_found', 'No account with this id.')
    return a
  }

  function checkPlan(plan: string): void {
    if (!prices.plans[plan]) throw invalid('plan', `must be one of ${Object.keys(prices.plans).join(', ')}`)
  }

  return {
    async listAccounts(page: { q?: string | undefined; cursor?: string | undefined; limit?: number | undefined }) {
      const limit = pageLimit(page.limit)
      let q = db
        .selectFrom('accounts')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1)
      if (page.cursor) q = q.where('id', '<', page.cursor)
      const text = page.q?.trim()
      if (text) {
        const like = containsPattern(text)
        q = q.where((eb) => eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb(eb.fn('lower', ['displayName']), 'like', like), eb('id', '=', text)]))
      }
      const p = pageOf(await q.execute(), limit, (a) => a.id)
      return { data: p.data.map(viewAccount), nextCursor: p.nextCursor }
    },

    async getAccount(id: string) {
      const a = await account(id)
      const members = await db
        .selectFrom('accountMembers')
        .innerJoin('users', 'users.id', 'accountMembers.userId')
        .select(['users.id as userId', 'users.email', 'users.name', 'accountMembers.role'])
        .where('accountMembers.accountId', '=', id)
        .execute()
      const keys = await db.selectFrom('apiKeys').select(['id', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt']).where('accountId', '=', id).orderBy('id', 'desc').execute()
      return { ...viewAccount(a), members, keys }
    },

    async createAccount(actor: string | null, input: { name: string; plan?: string | undefined; credits?: number | undefined }) {
      const plan = input.plan ?? deps.people.defaultPlan
      checkPlan(plan)
      const a = await deps.accounts.create(input.name, plan, input.credits ?? 0)
      await people.audit.record(db, actor, 'account.create', a.id, { name: a.name, plan, credits: input.credits ?? 0 })
      return viewAccount(a)
    },

    async updateAccount(actor: string | null, id: string, patch: { plan?: string | undefined; disabled?: boolean | undefined }) {
      const before = await account(id)
      if (patch.plan !== undefined) checkPlan(patch.plan)
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('accounts')
          .set({
            ...(patch.plan !== undefined ? { plan: patch.plan } : {}),
            ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (before.disabledAt ?? clock.now()) : null } : {}),
          })
          .where('id', '=', id)
          .execute()
        await people.audit.record(trx, actor, 'account.update', id, { ...patch, before: { plan: before.plan, disabled: (before.disabledAt ?? null) !== null } })
      })
      if (patch.disabled) deps.accounts.evictAccount(id)
      return viewAccount(await account(id))
    },

    /** A grant (positive) or debit (negative), ledgered with the reason and audited together. */
    async adjustCredits(actor: string | null, id: string, amount: number, reason: string) {
      const a = await account(id)
      if (!Number.isSafeInteger(amount) || amount === 0 || Math.abs(amount) > maxBalance) throw invalid('amount', `must be a non-zero whole number of at most ${maxBalance} either way`)
      const note = reason.trim()
      if (!note) throw invalid('reason', 'is required: say why')
      await db.transaction().execute(async (trx) => {
        const ok = amount > 0 ? await ledger.grant(trx, id, amount, note, clock.now(), maxBalance) : await ledger.adjust(trx, id, amount, note, clock.now(), maxBalance)
        if (!ok) {
          const f = await ledger.figures(trx, id)
          throw invalid('amount', amount > 0 ? `would take the balance past the maximum of ${maxBalance}` : `would take available credits below zero (available: ${f?.available ?? 0})`)
        }
        await people.audit.record(trx, actor, amount > 0 ? 'credits.grant' : 'credits.debit', id, { amount, reason: note })
      })
      const f = (await ledger.figures(db, a.id))!
      return { accountId: a.id, ...f }
    },

    async listUsers(page: { q?: string | undefined; cursor?: string | undefined; limit?: number | undefined }) {
      const p = await people.users.list(page)
      return { data: p.data.map(viewUser), nextCursor: p.nextCursor }
    },

    async updateUser(actor: { id: string } | null, id: string, patch: { disabled?: boolean | undefined; role?: UserRole | undefined }) {
      const user = await people.users.byId(id)
      if (!user) throw new AppError('not_found', 'No user with this id.')
      // An operator cannot lock themselves out (another operator can).
      if (actor?.id === id && (patch.disabled === true || patch.role === 'user')) throw invalid(patch.disabled ? 'disabled' : 'role', 'cannot be set on yourself: ask another operator')
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({
            ...(patch.role !== undefined ? { role: patch.role } : {}),
            ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (user.disabledAt ?? clock.now()) : null } : {}),
            updatedAt: clock.now(),
          })
          .where('id', '=', id)
          .execute()
        if (patch.disabled) await people.sessions.revokeAllFor(id, undefined, trx)
        await people.audit.record(trx, actor?.id ?? null, 'user.update', id, { ...patch, before: { role: user.role, disabled: user.disabledAt !== null } })
      })
      return viewUser((await people.users.byId(id))!)
    },

    async invite(actor: string | null, email: string) {
      const inv = await db.transaction().execute(async (trx) => {
        const inv = await people.teams.createInvite(trx, actor ?? 'cli', email, null, 'member')
        await people.audit.record(trx, actor, 'invite.create', inv.id, { email })
        return inv
      })
      return { inviteToken: inv.inviteToken, inviteUrl: inv.inviteUrl, mailed: await people.notices.invite(normalEmail(email), inv.inviteUrl, null) }
    },

    async setSignupMode(actor: string | null, mode: SignupMode) {
      await db.transaction().execute(async (trx) => {
        await people.settings.setSignupMode(trx, mode)
        await people.audit.record(trx, actor, 'settings.update', 'signupMode', { signupMode: mode })
      })
      return { signupMode: await people.settings.signupMode() }
    },
  }
}

export type Operator = ReturnType<typeof createOperator>
