import { sql, type Kysely } from 'kysely'
import { exactLedger } from './ledger.js'
import type { Database } from '../store/schema.js'

/** Figures are decimal strings: they may be past what a JS number (or a JSON reader) holds exactly. */
export interface LedgerMismatch {
  account: string
  cached: { balance: string; reserved: string }
  ledger: { balance: string; reserved: string }
}

/**
 * Accounts whose cached balance or reservation disagrees with their ledger entries, compared
 * exactly in 64-bit integers (counters and sums read from SQL as text into BigInt): a counter one
 * credit off at 2^53 and beyond is still seen, where a comparison of JS numbers saw none.
 */
export async function findLedgerMismatches(db: Kysely<Database>): Promise<LedgerMismatch[]> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'name', sql<string>`cast(balance as text)`.as('balance'), sql<string>`cast(reserved as text)`.as('reserved')])
    .orderBy('createdAt')
    .execute()
  const truth = await exactLedger(db)
  const out: LedgerMismatch[] = []
  for (const a of accounts) {
    const t = truth.get(a.id) ?? { balance: 0n, reserved: 0n }
    if (exact(a.balance) !== t.balance || exact(a.reserved) !== t.reserved) {
      out.push({ account: a.name, cached: { balance: a.balance, reserved: a.reserved }, ledger: { balance: String(t.balance), reserved: String(t.reserved) } })
    }
  }
  return out
}

/** A SQL integer read as text; null for anything that is not one (a counter corrupted into a REAL). */
function exact(text: string): bigint | null {
  return /^-?[0-9]+$/.test(text) ? BigInt(text) : null
}
