import { sql, type Kysely } from 'kysely'
import { newId } from '../domain/ids.js'
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

  /** Adds credits (top-up). */
  async grant(trx: Db, accountId: string, amount: number, note: string | null, now: number): Promise<void> {
    await trx.updateTable('accounts').set({ balance: sql`balance + ${amount}` }).where('id', '=', accountId).execute()
    await insertEntry(trx, accountId, null, 'grant', amount, note, now)
  },

  /** A signed correction by the operator; refused if it would make `available` negative. */
  async adjust(trx: Db, accountId: string, amount: number, note: string, now: number): Promise<boolean> {
    const res = await trx
      .updateTable('accounts')
      .set({ balance: sql`balance + ${amount}` })
      .where('id', '=', accountId)
      .where(sql<boolean>`balance - reserved + ${amount} >= 0`)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) return false
    await insertEntry(trx, accountId, null, 'adjust', amount, note, now)
    return true
  },

  async figures(db: Db, accountId: string): Promise<AccountFigures | undefined> {
    const row = await db.selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', accountId).executeTakeFirst()
    return row && { balance: row.balance, reserved: row.reserved, available: row.balance - row.reserved }
  },

  /** Balance and reserved recomputed from the entries alone. */
  async recompute(db: Db, accountId: string): Promise<AccountFigures> {
    const rows = await db
      .selectFrom('ledgerEntries')
      .select(['kind', sql<number>`sum(amount)`.as('total')])
      .where('accountId', '=', accountId)
      .groupBy('kind')
      .execute()
    const t = Object.fromEntries(rows.map((r) => [r.kind, Number(r.total)])) as Record<string, number>
    const balance = (t.grant ?? 0) + (t.adjust ?? 0) - (t.capture ?? 0)
    const reserved = (t.hold ?? 0) - (t.capture ?? 0) - (t.release ?? 0)
    return { balance, reserved, available: balance - reserved }
  },
}

async function insertEntry(trx: Db, accountId: string, jobId: string | null, kind: Database['ledgerEntries']['kind'], amount: number, note: string | null, now: number): Promise<void> {
  await trx.insertInto('ledgerEntries').values({ id: newId('led', now), accountId, jobId, kind, amount, note, createdAt: now }).execute()
}
