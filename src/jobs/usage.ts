import { sql, type Kysely } from 'kysely'
import { planOf, type PriceBook } from '../catalog/prices.js'
import { ledger } from '../ledger/ledger.js'
import type { AuthContext } from '../accounts/accounts.js'
import type { Database } from '../store/schema.js'
import { countJobsByStatus } from '../store/jobs/index.js'

/** Usage periods are calendar months in UTC. */
export function monthStart(now: number): number {
  const d = new Date(now)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

export function nextMonthStart(now: number): number {
  const d = new Date(now)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
}

/** Balance, reserved and available credits, the plan, and what was used this period. */
export async function usageOf(db: Kysely<Database>, prices: PriceBook, now: number, auth: AuthContext) {
  const since = monthStart(now)
  const plan = planOf(prices, auth.plan)
  const figures = (await ledger.figures(db, auth.accountId)) ?? { balance: 0, reserved: 0, available: 0 }
  const captured = await db
    .selectFrom('ledgerEntries')
    .select(sql<number>`coalesce(sum(amount), 0)`.as('total'))
    .where('accountId', '=', auth.accountId)
    .where('kind', '=', 'capture')
    .where('createdAt', '>=', since)
    .executeTakeFirstOrThrow()
  const byStatus = await countJobsByStatus(db, auth.accountId, since)
  return {
    ...figures,
    plan,
    period: { start: since, end: nextMonthStart(now) },
    creditsUsed: Number(captured.total),
    jobs: {
      submitted: Object.values(byStatus).reduce((a, b) => a + (b ?? 0), 0),
      active: (byStatus.queued ?? 0) + (byStatus.processing ?? 0),
      succeeded: byStatus.succeeded ?? 0,
      failed: byStatus.failed ?? 0,
      cancelled: byStatus.cancelled ?? 0,
    },
  }
}
