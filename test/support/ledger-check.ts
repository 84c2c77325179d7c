import { sql } from 'kysely'
import { ledger } from '../../src/ledger/ledger.js'
import type { Store } from '../../src/store/db.js'

/** Asserts I1–I4 over the whole database; returns a list of violations (empty when sound). */
export async function ledgerViolations(store: Store): Promise<string[]> {
  const out: string[] = []
  const accounts = await store.db.selectFrom('accounts').selectAll().execute()
  for (const a of accounts) {
    const truth = await ledger.recompute(store.db, a.id)
    if (truth.balance !== a.balance || truth.reserved !== a.reserved) out.push(`${a.name}: counters ${a.balance}/${a.reserved} ≠ ledger ${truth.balance}/${truth.reserved}`)
    if (truth.available < 0) out.push(`${a.name}: available ${truth.available} < 0`)
  }
  const perJob = await store.db
    .selectFrom('jobs')
    .leftJoin('ledgerEntries', 'ledgerEntries.jobId', 'jobs.id')
    .select([
      'jobs.id',
      'jobs.status',
      'jobs.price',
      sql<number>`sum(case when kind = 'hold' then amount else 0 end)`.as('hold'),
      sql<number>`sum(case when kind = 'capture' then amount else 0 end)`.as('capture'),
      sql<number>`sum(case when kind = 'release' then amount else 0 end)`.as('release'),
      sql<number>`sum(case when kind = 'hold' then 1 else 0 end)`.as('holds'),
    ])
    .groupBy(['jobs.id', 'jobs.status', 'jobs.price'])
    .execute()
  for (const j of perJob) {
    const [hold, capture, release] = [Number(j.hold), Number(j.capture), Number(j.release)]
    if (Number(j.holds) !== 1) out.push(`${j.id}: ${j.holds} holds`)
    if (j.status === 'succeeded' && capture + release !== hold) out.push(`${j.id}: succeeded but capture+release ${capture + release} ≠ hold ${hold}`)
    if ((j.status === 'failed' || j.status === 'cancelled') && (capture !== 0 || release !== hold)) out.push(`${j.id}: ${j.status} with capture ${capture}, release ${release}, hold ${hold}`)
    if ((j.status === 'queued' || j.status === 'processing') && capture + release !== 0) out.push(`${j.id}: active but settled`)
  }
  return out
}
