import { newId } from '../domain/ids.js'
import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { Database } from '../store/schema.js'

export interface AuditEntry {
  id: string
  at: number
  actorUserId: string | null
  action: string
  target: string
  detail: Record<string, unknown>
}

/** Every operator action, written in the transaction of the change it records. */
export function createAudit(clock: Clock) {
  return {
    async record(trx: Kysely<Database>, actorUserId: string | null, action: string, target: string, detail: Record<string, unknown> = {}): Promise<void> {
      const now = clock.now()
      await trx
        .insertInto('auditLog')
        .values({ id: newId('aud', now), at: now, actorUserId, action, target, detail: JSON.stringify(detail) })
        .execute()
    },

    /** Newest first; the cursor is the last id of the previous page. */
    async list(db: Kysely<Database>, page: { cursor?: string | undefined; limit?: number | undefined }): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
      const limit = pageLimit(page.limit)
      let q = db
        .selectFrom('auditLog')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1)
      if (page.cursor) q = q.where('id', '<', page.cursor)
      const rows = (await q.execute()).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }))
      return pageOf(rows, limit, (r) => r.id)
    },
  }
}

export type Audit = ReturnType<typeof createAudit>

/** Page sizes for every cursor list: 1–100, 20 unless asked. */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 20, 1), 100)
}

/** One page of rows ordered by `key` descending, fetched as limit + 1: the cursor is the last key shown. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => string): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit)
  const last = data.at(-1)
  return { data, nextCursor: rows.length > limit && last !== undefined ? key(last) : null }
}
