import { newId } from '../domain/ids.js'
import { csrfTokenFor, hashToken, isToken, newToken } from './tokens.js'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { SessionsTable, UsersTable } from '../store/schema.js'

export interface ActiveSession {
  id: string
  kind: SessionsTable['kind']
  user: UsersTable
  csrfToken: string
}

/**
 * Sign-ins. The token is 256 random bits handed to the browser in an httpOnly cookie (or to the
 * operator CLI for `--token`); the database keeps its SHA-256 only. A session ends at its expiry,
 * on logout, on a password change or reset, or when its user is disabled.
 */
export function createSessions(store: Store, clock: Clock, ttlMs: number) {
  const { db } = store

  return {
    async create(userId: string, kind: SessionsTable['kind'], trx = db): Promise<{ token: string; id: string; expiresAt: number; csrfToken: string }> {
      const now = clock.now()
      const token = newToken('session')
      const row = { id: newId('ses', now), userId, tokenHash: hashToken(token), kind, createdAt: now, expiresAt: now + ttlMs, revokedAt: null }
      await trx.insertInto('sessions').values(row).execute()
      return { token, id: row.id, expiresAt: row.expiresAt, csrfToken: csrfTokenFor(token) }
    },

    /** The live session a token names, with its user; null for anything else. */
    async resolve(token: string): Promise<ActiveSession | null> {
      if (!isToken('session', token)) return null
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.userId')
        .selectAll('users')
        .select(['sessions.id as sessionId', 'sessions.kind as sessionKind', 'sessions.expiresAt', 'sessions.revokedAt'])
        .where('sessions.tokenHash', '=', hashToken(token))
        .executeTakeFirst()
      if (!row || row.revokedAt !== null || row.expiresAt <= clock.now() || row.disabledAt !== null) return null
      const { sessionId, sessionKind, expiresAt: _e, revokedAt: _r, ...user } = row
      return { id: sessionId, kind: sessionKind, user, csrfToken: csrfTokenFor(token) }
    },

    async revoke(id: string): Promise<void> {
      await db.updateTable('sessions').set({ revokedAt: clock.now() }).where('id', '=', id).where('revokedAt', 'is', null).execute()
    },

    /** Ends every session of the user (but `exceptId`, the one making the change). */
    async revokeAllFor(userId: string, exceptId?: string, trx = db): Promise<void> {
      let q = trx.updateTable('sessions').set({ revokedAt: clock.now() }).where('userId', '=', userId).where('revokedAt', 'is', null)
      if (exceptId) q = q.where('id', '!=', exceptId)
      await q.execute()
    },
  }
}

export type Sessions = ReturnType<typeof createSessions>
