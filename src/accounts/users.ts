import { AppError, invalid } from '../errors.js'
import { newId } from '../domain/ids.js'
import { checkPasswordRule, dummyHash, hashPassword, verifyPassword } from './passwords.js'
import { containsPattern, pageLimit, pageOf } from './pages.js'
import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { AccountKind, Database, MemberRole, UserRole, UsersTable } from '../store/schema.js'

export const LOCALES = ['en', 'nl', 'zh'] as const
export type Locale = (typeof LOCALES)[number]

/** A user as the APIs show them: never the hash. */
export interface UserView {
  id: string
  email: string
  name: string
  role: UserRole
  locale: string
  disabled: boolean
  personalAccountId: string
  createdAt: number
}

export function viewUser(u: UsersTable): UserView {
  return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale, disabled: u.disabledAt !== null, personalAccountId: u.personalAccountId, createdAt: u.createdAt }
}

/** Lower-cased and trimmed; a 400 naming `field` unless it looks like an address. */
export function normalEmail(email: string, field = 'email'): string {
  const e = email.trim().toLowerCase()
  if (e.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) throw invalid(field, 'must be an email address')
  return e
}

export interface UsersOptions {
  scryptCost: number
  defaultPlan: string
}

export interface NewUser {
  email: string
  password: string
  name?: string | undefined
  role?: UserRole
}

/** Inserts a balance-holding account (personal or team) and its first member, in `trx`. */
export async function insertAccountFor(trx: Kysely<Database>, now: number, kind: AccountKind, displayName: string, plan: string, member: { userId: string; role: MemberRole } | null): Promise<string> {
  const id = newId('acct', now)
  // The handle stays unique and URL-safe; people see `displayName`.
  await trx
    .insertInto('accounts')
    .values({ id, name: `${kind}-${id.slice(5)}`, plan, balance: 0, reserved: 0, createdAt: now, kind, displayName })
    .execute()
  if (member) await trx.insertInto('accountMembers').values({ accountId: id, userId: member.userId, role: member.role, createdAt: now }).execute()
  return id
}

/** People who sign in: each owns a personal account, their own balance and API keys. */
export function createUsers(store: Store, clock: Clock, opts: UsersOptions) {
  const { db } = store

  async function byId(id: string, trx = db): Promise<UsersTable | undefined> {
    return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  }

  return {
    byId,

    byEmail(email: string, trx = db): Promise<UsersTable | undefined> {
      return trx.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst()
    },

    /** Checks the rules and hashes the password outside any transaction (it takes a while). */
    async prepare(u: NewUser): Promise<{ email: string; name: string; passwordHash: string; role: UserRole }> {
      const email = normalEmail(u.email)
      checkPasswordRule(u.password)
      const name = (u.name ?? '').trim() || email.split('@')[0]!
      if (name.length > 100) throw invalid('name', 'must be at most 100 characters')
      return { email, name, passwordHash: await hashPassword(u.password, opts.scryptCost), role: u.role ?? 'user' }
    },

    /** Creates the user and their personal account in `trx`; a taken email is a 400 on `email`. */
    async insert(trx: Kysely<Database>, p: { email: string; name: string; passwordHash: string; role: UserRole }): Promise<UsersTable> {
      const now = clock.now()
      if (await trx.selectFrom('users').select('id').where('email', '=', p.email).executeTakeFirst()) {
        throw new AppError('invalid_request', 'A user with this email already exists; sign in instead.', { field: 'email' })
      }
      const id = newId('usr', now)
      const user: UsersTable = { id, email: p.email, name: p.name, passwordHash: p.passwordHash, role: p.role, locale: 'en', personalAccountId: '', disabledAt: null, createdAt: now, updatedAt: now }
      // The account row first (the user references it), then the membership (it references the user).
      const accountId = await insertAccountFor(trx, now, 'personal', p.name, opts.defaultPlan, null)
      user.personalAccountId = accountId
      await trx.insertInto('users').values(user).execute()
      await trx.insertInto('accountMembers').values({ accountId, userId: id, role: 'owner', createdAt: now }).execute()
      return user
    },

    /**
     * The user whose password this is, or null. An unknown email costs the same hash as a known
     * one, so timing does not tell which emails have users.
     */
    async checkPassword(email: string, password: string): Promise<UsersTable | null> {
      const user = await this.byEmail(email)
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash(opts.scryptCost)))
      return user && ok ? user : null
    },

    /** A new password's hash, after its rule (a 400 naming `field`). */
    async hashNew(password: string, field = 'password'): Promise<string> {
      checkPasswordRule(password, field)
      return hashPassword(password, opts.scryptCost)
    },

    async setPasswordHash(userId: string, passwordHash: string, trx = db): Promise<void> {
      await trx.updateTable('users').set({ passwordHash, updatedAt: clock.now() }).where('id', '=', userId).execute()
    },

    async updateProfile(userId: string, patch: { name?: string | undefined; locale?: Locale | undefined }): Promise<UsersTable> {
      const name = patch.name?.trim()
      if (name !== undefined && (name.length === 0 || name.length > 100)) throw invalid('name', 'must be 1–100 characters')
      await db
        .updateTable('users')
        .set({ ...(name !== undefined ? { name } : {}), ...(patch.locale ? { locale: patch.locale } : {}), updatedAt: clock.now() })
        .where('id', '=', userId)
        .execute()
      return (await byId(userId))!
    },

    /** Operators' search: email or name containing `q` (and of `role`, when given); newest first. */
    async list(page: { q?: string | undefined; role?: UserRole | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<{ data: UsersTable[]; nextCursor: string | null }> {
      const limit = pageLimit(page.limit)
      let q = db
        .selectFrom('users')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1)
      if (page.cursor) q = q.where('id', '<', page.cursor)
      if (page.role) q = q.where('role', '=', page.role)
      const text = page.q?.trim()
      if (text) q = q.where((eb) => eb.or([eb(eb.fn('lower', ['email']), 'like', containsPattern(text)), eb(eb.fn('lower', ['name']), 'like', containsPattern(text)), eb('id', '=', text)]))
      return pageOf(await q.execute(), limit, (u) => u.id)
    },

    async count(trx = db): Promise<number> {
      const r = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return Number(r.n)
    },
  }
}

export type Users = ReturnType<typeof createUsers>
