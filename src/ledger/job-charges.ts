import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.js'

/** A job's ledger entries summed by kind: the truth about what it cost, partial captures included. */
export interface JobCharges {
  held: number
  captured: number
  released: number
}

export const NO_CHARGES: JobCharges = { held: 0, captured: 0, released: 0 }

/** Credits the job costs the customer now: its open hold while it runs, then what was captured. */
export function chargedCredits(c: JobCharges): number {
  return c.held - c.released
}

/** The held, captured and released figures of each job, in one query. */
export async function jobCharges(db: Kysely<Database>, jobIds: readonly string[]): Promise<Map<string, JobCharges>> {
  const out = new Map<string, JobCharges>(jobIds.map((id) => [id, { ...NO_CHARGES }]))
  if (jobIds.length === 0) return out
  const rows = await db
    .selectFrom('ledgerEntries')
    .select(['jobId', 'kind', (eb) => eb.fn.sum<number | string>('amount').as('total')])
    .where('jobId', 'in', [...jobIds])
    .where('kind', 'in', ['hold', 'capture', 'release'])
    .groupBy(['jobId', 'kind'])
    .execute()
  for (const r of rows) {
    const c = r.jobId ? out.get(r.jobId) : undefined
    if (!c) continue
    const total = Number(r.total)
    if (r.kind === 'hold') c.held += total
    else if (r.kind === 'capture') c.captured += total
    else c.released += total
  }
  return out
}
