import type { Kysely } from 'kysely'
import { AppError } from '../errors.js'
import { newId } from '../domain/ids.js'
import { queueDelivery } from '../webhooks/outbox.js'
import type { BillingAccountsTable, Database } from '../store/schema.js'

type Db = Kysely<Database>

/** The billing side of an account as the balance view shows it. */
export interface BillingState {
  flagged: boolean
  flag: BillingAccountsTable['flag']
  lowBalanceThreshold: number | null
  stripeCustomer: string | null
}

/**
 * A refund flag lasts while the balance is below zero (the credits were spent, then paid back);
 * a dispute flag until the operator settles it (`reelay billing settle`).
 */
function isFlagged(flag: BillingAccountsTable['flag'], balance: number): boolean {
  return flag === 'dispute' || (flag === 'refund' && balance < 0)
}

export async function billingState(db: Db, accountId: string): Promise<BillingState> {
  const row = await db
    .selectFrom('accounts')
    .leftJoin('billingAccounts', 'billingAccounts.accountId', 'accounts.id')
    .select(['accounts.balance', 'billingAccounts.flag', 'billingAccounts.lowBalanceThreshold', 'billingAccounts.stripeCustomer'])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst()
  if (!row) throw new AppError('not_found', 'No account with this id.')
  const flag = row.flag ?? null
  return { flagged: isFlagged(flag, row.balance), flag, lowBalanceThreshold: row.lowBalanceThreshold ?? null, stripeCustomer: row.stripeCustomer ?? null }
}

/** Creates the account's billing row when missing, then applies `patch`. */
export async function updateBillingAccount(db: Db, accountId: string, patch: Partial<Omit<BillingAccountsTable, 'accountId' | 'updatedAt'>>, now: number): Promise<void> {
  await db
    .insertInto('billingAccounts')
    .values({ accountId, stripeCustomer: null, flag: null, flaggedAt: null, lowBalanceThreshold: null, lowBalanceSentAt: null, ...patch, updatedAt: now })
    .onConflict((oc) => oc.column('accountId').doUpdateSet({ ...patch, updatedAt: now }))
    .execute()
}

/**
 * The submit path's one billing check, inside its transaction: an account with an unsettled
 * refund or dispute gets a 402, in every dialect's own shape for `insufficient_credits`.
 */
export async function assertCanSpend(trx: Db, accountId: string): Promise<void> {
  const row = await trx
    .selectFrom('billingAccounts')
    .innerJoin('accounts', 'accounts.id', 'billingAccounts.accountId')
    .select(['billingAccounts.flag', 'accounts.balance'])
    .where('billingAccounts.accountId', '=', accountId)
    .where('billingAccounts.flag', 'is not', null)
    .executeTakeFirst()
  if (!row || !isFlagged(row.flag, row.balance)) return
  const why = row.flag === 'dispute' ? 'a payment dispute is open on this account' : `a refund took back credits that were already spent (balance ${row.balance})`
  throw new AppError('insufficient_credits', `Submits are paused: ${why}. Top up or contact the operator to settle it.`, {
    details: { requiredCredits: 0, availableCredits: Math.min(0, row.balance) },
  })
}

/**
 * Sends `balance.low` through the account's default webhook URLs once per crossing: when
 * available credits are below the account's threshold and no notice went out since the last
 * grant. Runs in the caller's transaction (the hold's), so the event exists iff the hold does.
 */
export async function noticeLowBalance(trx: Db, accountId: string, now: number): Promise<void> {
  const row = await trx
    .selectFrom('billingAccounts')
    .innerJoin('accounts', 'accounts.id', 'billingAccounts.accountId')
    .select(['billingAccounts.lowBalanceThreshold', 'billingAccounts.lowBalanceSentAt', 'accounts.balance', 'accounts.reserved'])
    .where('billingAccounts.accountId', '=', accountId)
    .where('billingAccounts.lowBalanceThreshold', 'is not', null)
    .executeTakeFirst()
  if (!row || row.lowBalanceThreshold === null) return
  const available = row.balance - row.reserved
  if (available >= row.lowBalanceThreshold) {
    if (row.lowBalanceSentAt !== null) await updateBillingAccount(trx, accountId, { lowBalanceSentAt: null }, now)
    return
  }
  if (row.lowBalanceSentAt !== null) {
    // Credits came in since the last notice: this is a new crossing.
    const grant = await trx
      .selectFrom('ledgerEntries')
      .select('id')
      .where('accountId', '=', accountId)
      .where('kind', '=', 'grant')
      .where('createdAt', '>', row.lowBalanceSentAt)
      .limit(1)
      .executeTakeFirst()
    if (!grant) return
  }
  await updateBillingAccount(trx, accountId, { lowBalanceSentAt: now }, now)
  const endpoints = await trx
    .selectFrom('webhookEndpoints')
    .innerJoin('apiKeys', 'apiKeys.id', 'webhookEndpoints.apiKeyId')
    .select(['webhookEndpoints.apiKeyId', 'webhookEndpoints.url'])
    .where('webhookEndpoints.accountId', '=', accountId)
    .where('webhookEndpoints.url', 'is not', null)
    .where('webhookEndpoints.disabledAt', 'is', null)
    .where('apiKeys.revokedAt', 'is', null)
    .orderBy('apiKeys.createdAt')
    .execute()
  const eventId = newId('evt', now)
  const payload = JSON.stringify({
    type: 'balance.low',
    timestamp: new Date(now).toISOString(),
    data: { accountId, balance: row.balance, reserved: row.reserved, available, threshold: row.lowBalanceThreshold },
  })
  const seen = new Set<string>()
  for (const ep of endpoints) {
    if (!ep.url || seen.has(ep.url)) continue
    seen.add(ep.url)
    // Not a job's event: `jobId` carries the event's id, and the payload is fixed here.
    await queueDelivery(trx, { jobId: eventId, accountId, apiKeyId: ep.apiKeyId, event: 'balance.low', url: ep.url, target: 'key', payload }, now)
  }
}

/** Sets (or clears, with null) the available-credits level below which `balance.low` is sent. */
export async function setLowBalanceThreshold(db: Db, accountId: string, threshold: number | null, now: number): Promise<void> {
  if (threshold !== null && (!Number.isSafeInteger(threshold) || threshold < 0)) {
    throw new AppError('invalid_request', '`threshold` must be a whole number of credits, 0 or more, or null', { field: 'threshold' })
  }
  const exists = await db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst()
  if (!exists) throw new AppError('not_found', 'No account with this id.')
  await updateBillingAccount(db, accountId, { lowBalanceThreshold: threshold, lowBalanceSentAt: null }, now)
}

/** Clears a refund or dispute flag: the operator has settled it with the customer. */
export async function settleAccount(db: Db, accountId: string, now: number): Promise<void> {
  await db.updateTable('billingAccounts').set({ flag: null, flaggedAt: null, updatedAt: now }).where('accountId', '=', accountId).execute()
}
