import { AppError } from '../errors.js'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'

export interface LoginLimitOptions {
  maxFailures: number
  lockoutMs: number
}

/**
 * Failed sign-ins counted per email in the database, so every API process sees the same count.
 * After `maxFailures` within the window the email is locked for `lockoutMs`: even the right
 * password then gets 429 `login_locked` with Retry-After, which makes guessing a password
 * online cost days. Per email rather than per address, because attackers have many addresses.
 */
export function createLoginLimit(store: Store, clock: Clock, opts: LoginLimitOptions) {
  const { db } = store

  function locked(until: number, now: number): AppError {
    const sec = Math.max(1, Math.ceil((until - now) / 1000))
    return new AppError('login_locked', `Too many failed sign-ins for this email; try again in ${Math.ceil(sec / 60)} minute(s).`, { retryAfterSec: sec })
  }

  return {
    async assertOpen(email: string): Promise<void> {
      const now = clock.now()
      const row = await db.selectFrom('loginFailures').select('lockedUntil').where('email', '=', email).executeTakeFirst()
      if (row?.lockedUntil && row.lockedUntil > now) throw locked(row.lockedUntil, now)
    },

    /** Counts a failure; returns the lockout error when this one reached the limit. */
    async fail(email: string): Promise<AppError | null> {
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        let q = trx.selectFrom('loginFailures').selectAll().where('email', '=', email)
        if (store.caps.rowLocks) q = q.forUpdate()
        const row = await q.executeTakeFirst()
        const fresh = !row || row.windowStart <= now - opts.lockoutMs || (row.lockedUntil !== null && row.lockedUntil <= now)
        const failures = fresh ? 1 : row.failures + 1
        const lockedUntil = failures >= opts.maxFailures ? now + opts.lockoutMs : null
        const values = { failures, windowStart: fresh ? now : row.windowStart, lockedUntil }
        await trx
          .insertInto('loginFailures')
          .values({ email, ...values })
          .onConflict((oc) => oc.column('email').doUpdateSet(values))
          .execute()
        return lockedUntil === null ? null : locked(lockedUntil, now)
      })
    },

    async succeed(email: string): Promise<void> {
      await db.deleteFrom('loginFailures').where('email', '=', email).execute()
    },
  }
}

export type LoginLimit = ReturnType<typeof createLoginLimit>
