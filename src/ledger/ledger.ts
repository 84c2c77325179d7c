import { sql, type Kysely } from 'kysely'
import { newId } from '../domain/ids.js'
import { DEFAULT_MAX_BALANCE } from '../domain/credits.js'
import type { Database } from '../store/schema.js'

type Db = Kysely<Database>

export interface AccountFigures {
  balance: number
  reserved: number
  available: number
}

/**
 * Credits as a two-phase ledger (hold → capture | release). Every function takes the caller's
 * transaction, so a job's state change and its entry commit together. Counters on the account
 * row are a cache of the entries; `recompute` is the truth.
 */
export const ledger = {
  /**
   * Reserves `amount` for a job. The availability check and the increment are one UPDATE, so
   * concurrent holds can never take `available` below zero.
   */
  async hold(trx: Db, accountId: string, jobId: string, amount: number, now: number): Promise<{ ok: true } | { ok: false; reason: 'insufficient_credits' }> {
    const res = await trx
      .updateTable('accounts')
      .set({ reserved: sql`reserved + ${amount}` })
      .where('id', '=', accountId)
      .where(sql<boolean>`balance - reserved >= ${amount}`)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) return { ok: false, reason: 'insufficient_credits' }
    await insertEntry(trx, accountId, jobId, 'hold', amount, null, now)
    return { ok: true }
  },

  /** Captures up to the hold and releases the rest; a higher actual cost is capped at the hold. */
  async capture(trx: Db, accountId: string, jobId: string, held: number, actual: number, now: number): Promise<{ captured: number; shortfall: number }> {
    const captured = Math.min(Math.max(0, Math.round(actual)), held)
    await trx
      .updateTable('accounts')
      .set({ balance: sql`balance - ${captured}`, reserved: sql`reserved - ${held}` })
      .where('id', '=', accountId)
      .execute()
    await insertEntry(trx, accountId, jobId, 'capture', captured, null, now)
    if (captured < held) await insertEntry(trx, accountId, jobId, 'release', held - captured, 'unused part of hold', now)
    return { captured, shortfall: Math.max(0, Math.round(actual) - held) }
  },

  async release(trx: Db, accountId: string, jobId: string, held: number, note: string, now: number): Promise<void> {
    await trx.updateTable('accounts').set({ reserved: sql`reserved - ${held}` }).where('id', '=', accountId).execute()
    await insertEntry(trx, accountId, jobId, 'release', held, note, now)
  },

  /**
   * Adds credits (top-up); refused (false, nothing written) if the balance would pass
   * `maxBalance`. The check and the increment are one UPDATE, so concurrent grants cannot pass it.
   * `amount` and `maxBalance` are at most 2^53 − 1 (checked by the caller).
   */
  async grant(trx: Db, accountId: string, amount: number, note: string | null, now: number, maxBalance = DEFAULT_MAX_BALANCE): Promise<boolean> {
    const res = await trx
      .updateTable('accounts')
      .set({ balance: sql`balance + ${amount}` })
      .where('id', '=', accountId)
      // Written as `balance <= max − amount`, so even a corrupted counter cannot overflow the sum.
      .where('balance', '<=', maxBalance - amount)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) return false
    await insertEntry(trx, accountId, null, 'grant', amount, note, now)
    return true
  },

  /**
   * A signed correction by the operator; refused if it would make `available` negative or the
   * balance pass `maxBalance`. `|amount|` is at most `maxBalance`.
   */
  async adjust(trx: Db, accountId: string, amount: number, note: string, now: number, maxBalance = DEFAULT_MAX_BALANCE): Promise<boolean> {
    const res = await trx
      .updateTable('accounts')
      .set({ balance: sql`balance + ${amount}` })
      .where('id', '=', accountId)
      .where(sql<boolean>`balance - reserved + ${amount} >= 0`)
      .where('balance', '<=', maxBalance - amount)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) return false
    await insertEntry(trx, accountId, null, 'adjust', amount, note, now)
    return true
  },

  /**
   * Takes back credits that were paid for and then refunded or disputed. Unlike `adjust` it may
   * take the balance below zero, by at most `amount`: the credits may already be spent, and the
   * debt is the refund's, not the customer's next job's (billing flags the account meanwhile).
   */
  async debit(trx: Db, accountId: string, amount: number, note: string, now: number): Promise<void> {
    await trx.updateTable('accounts').set({ balance: sql`balance - ${amount}` }).where('id', '=', accountId).execute()
    await insertEntry(trx, accountId, null, 'adjust', -amount, note, now)
  },

  async figures(db: Db, accountId: string): Promise<AccountFigures | undefined> {
    const row = await db.selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', accountId).executeTakeFirst()
    return row && { balance: row.balance, reserved: row.reserved, available: row.balance - row.reserved }
  },

  /** Balance and reserved recomputed from the entries alone. */
  async recompute(db: Db, accountId: string): Promise<AccountFigures> {
    const t = (await exactLedger(db, accountId)).get(accountId)
    const balance = Number(t?.balance ?? 0n)
    const reserved = Number(t?.reserved ?? 0n)
    return { balance, reserved, available: balance - reserved }
  },

}

/**
 * Balance and reserved per account from the entries, summed by the database in 64-bit (SQLite
 * integer sum, PostgreSQL numeric) and read as text, so no figure passes through a double.
 */
export async function exactLedger(db: Db, accountId?: string): Promise<Map<string, { balance: bigint; reserved: bigint }>> {
  let q = db.selectFrom('ledgerEntries').select(['accountId', 'kind', sql<string>`cast(sum(amount) as text)`.as('total')]).groupBy(['accountId', 'kind'])
  if (accountId !== undefined) q = q.where('accountId', '=', accountId)
  const out = new Map<string, { balance: bigint; reserved: bigint }>()
  for (const r of await q.execute()) {
    const t = out.get(r.accountId) ?? { balance: 0n, reserved: 0n }
    const n = BigInt(r.total)
    if (r.kind === 'grant' || r.kind === 'adjust') t.balance += n
    else if (r.kind === 'hold') t.reserved += n
    else if (r.kind === 'capture') {
      t.balance -= n
      t.reserved -= n
    } else t.reserved -= n // release
    out.set(r.accountId, t)
  }
  return out
}

async function insertEntry(trx: Db, accountId: string, jobId: string | null, kind: Database['ledgerEntries']['kind'], amount: number, note: string | null, now: number): Promise<void> {
  await trx.insertInto('ledgerEntries').values({ id: newId('led', now), accountId, jobId, kind, amount, note, createdAt: now }).execute()
}
