import { AppError, invalid } from '../errors.js'
import { createAudit } from './audit.js'
import { createLoginLimit } from './login-limit.js'
import { createSessions, type ActiveSession } from './sessions.js'
import { createSettings } from './settings.js'
import { createSetup } from './setup.js'
import { createTeams } from './teams.js'
import { createUsers, normalEmail, type Locale } from './users.js'
import { hashToken, isToken, newToken } from './tokens.js'
import type { Clock } from '../domain/clock.js'
import type { Config } from '../config.js'
import type { Store } from '../store/db.js'
import type { SessionsTable, UsersTable } from '../store/schema.js'
import { createMailNotices } from './mail-notices.js'
import type { Mailer } from '../mail/mailer.js'

export const RESET_TTL_MS = 24 * 3_600_000

/** What login, signup, setup and `GET /session` answer. */
export interface SessionView {
  user: { id: string; email: string; name: string; role: UsersTable['role']; locale: string }
  accounts: Awaited<ReturnType<ReturnType<typeof createTeams>['accountsOf']>>
  csrfToken: string
}

export type PeopleConfig = Pick<
  Config,
  'REELAY_SIGNUP_MODE' | 'REELAY_SESSION_TTL_HOURS' | 'REELAY_LOGIN_MAX_FAILURES' | 'REELAY_LOGIN_LOCKOUT_MINUTES' | 'REELAY_PASSWORD_SCRYPT_COST' | 'REELAY_DEFAULT_PLAN' | 'publicUrl'
>

/** Users, sessions, teams, invites, operator settings and the audit log: one bundle for the APIs and the CLI. */
export function createPeople(store: Store, clock: Clock, config: PeopleConfig, mailer: Mailer | null = null) {
  const { db } = store
  const notices = createMailNotices(mailer)
  const users = createUsers(store, clock, { scryptCost: config.REELAY_PASSWORD_SCRYPT_COST, defaultPlan: config.REELAY_DEFAULT_PLAN })
  const sessions = createSessions(store, clock, config.REELAY_SESSION_TTL_HOURS * 3_600_000)
  const loginLimit = createLoginLimit(store, clock, { maxFailures: config.REELAY_LOGIN_MAX_FAILURES, lockoutMs: config.REELAY_LOGIN_LOCKOUT_MINUTES * 60_000 })
  const teams = createTeams(store, clock, { defaultPlan: config.REELAY_DEFAULT_PLAN, publicUrl: config.publicUrl, notices })
  const settings = createSettings(store, { signupMode: config.REELAY_SIGNUP_MODE })
  const setup = createSetup(store, clock)
  const audit = createAudit(clock)

  async function view(user: UsersTable, csrfToken: string): Promise<SessionView> {
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale }, accounts: await teams.accountsOf(user.id), csrfToken }
  }

  /** Signs the user in: a new session, its token for the cookie, and the session view. */
  async function signIn(user: UsersTable, kind: SessionsTable['kind'] = 'browser') {
    const s = await sessions.create(user.id, kind)
    return { token: s.token, expiresAt: s.expiresAt, view: await view(user, s.csrfToken) }
  }

  return {
    users,
    sessions,
    teams,
    settings,
    setup,
    audit,
    view,
    signIn,
    defaultPlan: config.REELAY_DEFAULT_PLAN,
    notices,

    sessionView: (s: ActiveSession) => view(s.user, s.csrfToken),

    async setupState() {
      return { needsSetup: !(await setup.hasUsers()), signupMode: await settings.signupMode() }
    },

    /** The first operator, with the one-time token printed at start. */
    async completeSetup(input: { token: string; email: string; password: string; name?: string | undefined }) {
      const p = await users.prepare({ ...input, role: 'admin' })
      const user = await db.transaction().execute(async (trx) => {
        if (!(await setup.consume(trx, input.token))) throw new AppError('forbidden', 'The setup token is not valid, or setup is already done.')
        const u = await users.insert(trx, p)
        await audit.record(trx, u.id, 'setup.completed', u.id, { email: u.email })
        return u
      })
      return signIn(user)
    },

    /**
     * An operator made on the server itself (`reelay admin create`), with a personal account as
     * sign-up makes; once any user exists the setup token no longer works.
     */
    async createAdmin(actorId: string | null, input: { email: string; password: string; name?: string | undefined }): Promise<UsersTable> {
      const p = await users.prepare({ ...input, role: 'admin' })
      return db.transaction().execute(async (trx) => {
        const u = await users.insert(trx, p)
        await audit.record(trx, actorId, 'admin.create', u.id, { email: u.email })
        return u
      })
    },

    async signup(input: { email: string; password: string; name?: string | undefined; inviteToken?: string | undefined }) {
      const mode = await settings.signupMode()
      if (mode === 'closed') throw new AppError('forbidden', 'Sign-up is closed on this server; ask an operator for an account.')
      if (mode === 'invite' && !input.inviteToken) throw invalid('inviteToken', 'is required: sign-up on this server is by invitation')
      const p = await users.prepare(input)
      const user = await db.transaction().execute(async (trx) => {
        const invite = input.inviteToken ? await teams.openInvite(trx, input.inviteToken, p.email) : null
        const u = await users.insert(trx, p)
        if (invite) await teams.acceptIn(trx, invite, u.id)
        return u
      })
      return signIn(user)
    },

    async login(input: { email: string; password: string }, kind: SessionsTable['kind'] = 'browser') {
      const email = normalEmail(input.email)
      await loginLimit.assertOpen(email)
      const user = await users.checkPassword(email, input.password)
      if (!user) {
        const lock = await loginLimit.fail(email)
        throw lock ?? new AppError('unauthorized', 'The email or password is wrong.')
      }
      if (user.disabledAt !== null) throw new AppError('unauthorized', 'This user is disabled; ask an operator.')
      await loginLimit.succeed(email)
      return signIn(user, kind)
    },

    async changePassword(session: ActiveSession, current: string, next: string): Promise<void> {
      const fresh = await users.checkPassword(session.user.email, current)
      if (!fresh) throw invalid('password.current', 'is not your current password')
      await users.setPasswordHash(session.user.id, await users.hashNew(next, 'password.next'))
      // Anyone else signed in as this user is signed out.
      await sessions.revokeAllFor(session.user.id, session.id)
    },

    async updateProfile(userId: string, patch: { name?: string | undefined; locale?: Locale | undefined }) {
      return users.updateProfile(userId, patch)
    },

    /** An operator's link for a user who forgot their password; valid once, for 24 hours. */
    async resetLink(actorId: string | null, userId: string): Promise<{ url: string; expiresAt: number; mailed: boolean }> {
      const user = await users.byId(userId)
      if (!user) throw new AppError('not_found', 'No user with this id.')
      const now = clock.now()
      const token = newToken('reset')
      const expiresAt = now + RESET_TTL_MS
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('passwordResets')
          .values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt, usedAt: null })
          .execute()
        await audit.record(trx, actorId, 'user.reset_link', userId, { expiresAt })
      })
      const url = `${config.publicUrl}/reset?token=${token}`
      // After the commit, and the link is handed back even when the mail fails.
      return { url, expiresAt, mailed: await notices.resetLink(user.email, url, expiresAt) }
    },

    async resetPassword(token: string, password: string): Promise<void> {
      const now = clock.now()
      const row = isToken('reset', token) ? await db.selectFrom('passwordResets').selectAll().where('tokenHash', '=', hashToken(token)).executeTakeFirst() : undefined
      if (!row || row.usedAt !== null || row.expiresAt <= now) throw invalid('token', 'is not a valid, unused reset link (links last 24 hours)')
      const hash = await users.hashNew(password)
      await db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('passwordResets').set({ usedAt: now }).where('tokenHash', '=', row.tokenHash).where('usedAt', 'is', null).executeTakeFirst()
        if (Number(res.numUpdatedRows) !== 1) throw invalid('token', 'was used already')
        await users.setPasswordHash(row.userId, hash, trx)
        await sessions.revokeAllFor(row.userId, undefined, trx)
      })
    },
  }
}

export type People = ReturnType<typeof createPeople>
