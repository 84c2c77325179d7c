import { sql, type Kysely } from 'kysely'
import { loadJobs, type Job } from '../jobs/job-model.js'
import { pageLimit, pageOf } from './pages.js'
import type { JobStatus } from '../domain/job-status.js'
import type { Database, LedgerEntriesTable } from '../store/schema.js'

const DAY_MS = 86_400_000

export interface Usage {
  byDay: Array<{ day: string; credits: number; jobs: number }>
  byModel: Array<{ model: string; credits: number; jobs: number }>
  totals: { credits: number; jobs: number }
}

/**
 * Spend of one account in [from, to): credits captured in the range (what was really taken) and
 * jobs created in it, by UTC day and by model. Days are grouped in SQL as whole days since the
 * epoch, which both databases compute the same way.
 */
export async function usageOf(db: Kysely<Database>, accountId: string, from: number, to: number): Promise<Usage> {
  const dayOf = (col: string) => sql<number>`cast(${sql.ref(col)} / ${sql.lit(DAY_MS)} as integer)`
  const credits = await db
    .selectFrom('ledgerEntries')
    .innerJoin('jobs', 'jobs.id', 'ledgerEntries.jobId')
    .select([dayOf('ledgerEntries.createdAt').as('day'), 'jobs.model', sql<string>`sum(ledger_entries.amount)`.as('credits')])
    .where('ledgerEntries.accountId', '=', accountId)
    .where('ledgerEntries.kind', '=', 'capture')
    .where('ledgerEntries.createdAt', '>=', from)
    .where('ledgerEntries.createdAt', '<', to)
    .groupBy([dayOf('ledgerEntries.createdAt'), 'jobs.model'])
    .execute()
  const jobs = await db
    .selectFrom('jobs')
    .select([dayOf('createdAt').as('day'), 'model', sql<string>`count(*)`.as('jobs')])
    .where('accountId', '=', accountId)
    .where('createdAt', '>=', from)
    .where('createdAt', '<', to)
    .groupBy([dayOf('createdAt'), 'model'])
    .execute()
  const days = new Map<number, { credits: number; jobs: number }>()
  const models = new Map<string, { credits: number; jobs: number }>()
  const add = (day: number, model: string, c: number, j: number) => {
    bump(days, day, c, j)
    bump(models, model, c, j)
  }
  for (const r of credits) add(Number(r.day), r.model, Number(r.credits), 0)
  for (const r of jobs) add(Number(r.day), r.model, 0, Number(r.jobs))
  const byDay = [...days].sort(([a], [b]) => a - b).map(([d, t]) => ({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), ...t }))
  const byModel = [...models].sort(([a], [b]) => a.localeCompare(b)).map(([model, t]) => ({ model, ...t }))
  const totals = byModel.reduce((s, m) => ({ credits: s.credits + m.credits, jobs: s.jobs + m.jobs }), { credits: 0, jobs: 0 })
  return { byDay, byModel, totals }
}

function bump<K>(map: Map<K, { credits: number; jobs: number }>, key: K, credits: number, jobs: number): void {
  const t = map.get(key) ?? { credits: 0, jobs: 0 }
  map.set(key, { credits: t.credits + credits, jobs: t.jobs + jobs })
}

export interface LedgerLine {
  id: string
  at: number
  kind: LedgerEntriesTable['kind']
  amount: number
  jobId: string | null
  /** job (hold, capture, release), grant or adjust. */
  source: 'job' | 'grant' | 'adjust'
  reason: string | null
}

export async function ledgerPage(
  db: Kysely<Database>,
  accountId: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<{ data: LedgerLine[]; nextCursor: string | null }> {
  const limit = pageLimit(page.limit)
  let q = db
    .selectFrom('ledgerEntries')
    .selectAll()
    .where('accountId', '=', accountId)
    .orderBy('id', 'desc')
    .limit(limit + 1)
  if (page.cursor) q = q.where('id', '<', page.cursor)
  const rows = (await q.execute()).map((r) => ({
    id: r.id,
    at: r.createdAt,
    kind: r.kind,
    amount: r.amount,
    jobId: r.jobId,
    source: r.kind === 'grant' || r.kind === 'adjust' ? r.kind : ('job' as const),
    reason: r.note,
  }))
  return pageOf(rows, limit, (r) => r.id)
}

export interface JobFilter {
  status?: JobStatus | undefined
  model?: string | undefined
  cursor?: string | undefined
  limit?: number | undefined
}

/** Jobs newest first (ids sort by time), of one account or (for operators) every account. */
export async function jobsPage(db: Kysely<Database>, accountId: string | null, f: JobFilter): Promise<{ data: Job[]; nextCursor: string | null }> {
  const limit = pageLimit(f.limit)
  let q = db
    .selectFrom('jobs')
    .selectAll()
    .where('deletedAt', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit + 1)
  if (accountId !== null) q = q.where('accountId', '=', accountId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.model) q = q.where('model', '=', f.model)
  if (f.cursor) q = q.where('id', '<', f.cursor)
  const rows = await q.execute()
  const page = pageOf(rows, limit, (r) => r.id)
  return { data: await loadJobs(db, page.data), nextCursor: page.nextCursor }
}

/** The raw rows of a page of jobs, for operator views that show upstream detail. */
export async function jobRows(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return new Map<string, Database['jobs']>()
  const rows = await db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, r]))
}

export interface DeliveryLine {
  id: string
  jobId: string
  event: string
  url: string
  status: string
  attempts: Array<{ at: number; statusCode: number | null; error: string | null }>
  createdAt: number
}

/** Webhook deliveries of one account (or one job), newest first, with their attempts. */
export async function deliveriesPage(
  db: Kysely<Database>,
  accountId: string,
  page: { jobId?: string; cursor?: string | undefined; limit?: number | undefined },
): Promise<{ data: DeliveryLine[]; nextCursor: string | null }> {
  const limit = pageLimit(page.limit)
  let q = db
    .selectFrom('webhookDeliveries')
    .selectAll()
    .where('accountId', '=', accountId)
    .orderBy('id', 'desc')
    .limit(limit + 1)
  if (page.jobId) q = q.where('jobId', '=', page.jobId)
  if (page.cursor) q = q.where('id', '<', page.cursor)
  const { data, nextCursor } = pageOf(await q.execute(), limit, (r) => r.id)
  const attempts = data.length
    ? await db
        .selectFrom('webhookAttempts')
        .selectAll()
        .where(
          'deliveryId',
          'in',
          data.map((d) => d.id),
        )
        .orderBy('attempt')
        .execute()
    : []
  return {
    data: data.map((d) => ({
      id: d.id,
      jobId: d.jobId,
      event: d.event,
      url: d.url,
      status: d.status,
      createdAt: d.createdAt,
      attempts: attempts.filter((a) => a.deliveryId === d.id).map((a) => ({ at: a.at, statusCode: a.httpStatus, error: a.error })),
    })),
    nextCursor,
  }
}
