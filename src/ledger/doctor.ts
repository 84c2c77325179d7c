import { ledger, type AccountFigures } from './ledger.js'
import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.js'

export interface LedgerMismatch {
  account: string
  cached: { balance: number; reserved: number }
  ledger: AccountFigures
}

/** Accounts whose cached balance or reservation disagrees with their ledger entries. */
export async function findLedgerMismatches(db: Kysely<Database>): Promise<LedgerMismatch[]> {
  const problems: LedgerMismatch[] = []
  for (const acct of await db.selectFrom('accounts').select(['id', 'name', 'balance', 'reserved']).orderBy('createdAt').execute()) {
    const truth = await ledger.recompute(db, acct.id)
    if (truth.balance !== acct.balance || truth.reserved !== acct.reserved) problems.push({ account: acct.name, cached: { balance: acct.balance, reserved: acct.reserved }, ledger: truth })
  }
  return problems
}
