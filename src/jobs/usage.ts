import { planOf, type PriceBook } from '../catalog/prices.js'
import type { AuthContext } from '../accounts/accounts.js'
import type { Store } from '../store/db.js'

/** Usage periods are calendar months in UTC. */
export function monthStart(now: number): number {
  const d = new Date(now)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

export function nextMonthStart(now: number): number {
  const d = new Date(now)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
}

// One prepared statement on the read connection (Store.prepareFirst's rules): the account's
// figures, this period's captures and its jobs by status, where three Kysely queries were.
const USAGE = `select a.balance as "balance", a.reserved as "reserved",
  (select sum(l.amount) from ledger_entries l where l.account_id = a.id and l.kind = 'capture' and l.created_at >= ?) as "captured",
  c.submitted as "submitted", c.queued as "queued", c.processing as "processing", c.succeeded as "succeeded", c.failed as "failed", c.cancelled as "cancelled"
from accounts a, (select count(*) as submitted,
    sum(case when status = 'queued' then 1 else 0 end) as queued,
    sum(case when status = 'processing' then 1 else 0 end) as processing,
    sum(case when status = 'succeeded' then 1 else 0 end) as succeeded,
    sum(case when status = 'failed' then 1 else 0 end) as failed,
    sum(case when status = 'cancelled' then 1 else 0 end) as cancelled
  from jobs where account_id = ? and created_at >= ?) c
where a.id = ?`

type Count = number | string | null
type UsageRow = Record<'balance' | 'reserved' | 'captured' | 'submitted' | 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled', Count>

/** Balance, reserved and available credits, the plan, and what was used this period. */
export function prepareUsage(store: Store) {
  const read = store.prepareFirst<UsageRow>(USAGE)
  // PostgreSQL answers bigint sums and counts as strings, and a sum over no rows as null.
  const n = (x: Count | undefined) => Number(x ?? 0)
  return async (prices: PriceBook, now: number, auth: AuthContext) => {
    const since = monthStart(now)
    const r = await read([since, auth.accountId, since, auth.accountId])
    const balance = n(r?.balance)
    const reserved = n(r?.reserved)
    return {
      balance,
      reserved,
      available: balance - reserved,
      plan: planOf(prices, auth.plan),
      period: { start: since, end: nextMonthStart(now) },
      creditsUsed: n(r?.captured),
      jobs: {
        submitted: n(r?.submitted),
        active: n(r?.queued) + n(r?.processing),
        succeeded: n(r?.succeeded),
        failed: n(r?.failed),
        cancelled: n(r?.cancelled),
      },
    }
  }
}
