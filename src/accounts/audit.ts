import { newId } from '../domain/ids.js'
import { pageLimit, pageOf } from './pages.js'
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
