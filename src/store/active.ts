import { sql, type RawBuilder, type SqlBool } from 'kysely'

/**
 * `status in ('queued', 'processing')`, written with literals on purpose: SQLite uses a partial
 * index (jobs_due, jobs_deadline, jobs_active_*) only when the query repeats the index's WHERE
 * at prepare time, which a bound `in (?, ?)` never does. With parameters, every claim and
 * channel count scanned the whole jobs table.
 */
export const isActive: RawBuilder<SqlBool> = sql<SqlBool>`status in ('queued', 'processing')`
