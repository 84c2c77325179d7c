import type { Kysely } from 'kysely'
import type { Database, JobInputsTable } from '../../store/schema.js'
import type { Storage } from '../../storage/storage.js'

/** A stored reference as the worker and providers see it. */
export interface JobInput {
  slot: string
  index: number
  key: string
  kind: 'image' | 'video' | 'audio'
  mime: string
  bytes: number
  sha256: string
  width: number | null
  height: number | null
  durationSec: number | null
  hasAudio: boolean
}

export function toRow(jobId: string, i: JobInput, now: number): JobInputsTable {
  return {
    jobId,
    slot: i.slot,
    idx: i.index,
    storageKey: i.key,
    kind: i.kind,
    mime: i.mime,
    bytes: i.bytes,
    sha256: i.sha256,
    width: i.width,
    height: i.height,
    durationMs: i.durationSec === null ? null : Math.round(i.durationSec * 1000),
    hasAudio: i.hasAudio ? 1 : 0,
    createdAt: now,
  }
}

export async function loadJobInputs(db: Kysely<Database>, jobId: string): Promise<JobInput[]> {
  const rows = await db.selectFrom('jobInputs').selectAll().where('jobId', '=', jobId).orderBy('slot').orderBy('idx').execute()
  return rows.map((r) => ({
    slot: r.slot,
    index: Number(r.idx),
    key: r.storageKey,
    kind: r.kind,
    mime: r.mime,
    bytes: Number(r.bytes),
    sha256: r.sha256,
    width: r.width === null ? null : Number(r.width),
    height: r.height === null ? null : Number(r.height),
    durationSec: r.durationMs === null ? null : Number(r.durationMs) / 1000,
    hasAudio: Boolean(Number(r.hasAudio)),
  }))
}

/**
 * Deletes stored objects no job refers to any more. Objects are shared by content hash, so a
 * key is only removed once its last row is gone.
 */
export async function deleteUnreferenced(db: Kysely<Database>, storage: Storage, keys: readonly string[], onDeleted?: (key: string) => void): Promise<void> {
  for (const key of new Set(keys)) {
    const used = await db.selectFrom('jobInputs').select('jobId').where('storageKey', '=', key).limit(1).executeTakeFirst()
    if (used) continue
    onDeleted?.(key)
    await storage.delete(key).catch(() => undefined)
  }
}

/** Removes a job's inputs with its outputs: its rows, then any object left without a row. */
export async function deleteJobInputs(db: Kysely<Database>, storage: Storage, jobId: string, onDeleted?: (key: string) => void): Promise<void> {
  const rows = await db.selectFrom('jobInputs').select('storageKey').where('jobId', '=', jobId).execute()
  if (rows.length === 0) return
  await db.deleteFrom('jobInputs').where('jobId', '=', jobId).execute()
  await deleteUnreferenced(db, storage, rows.map((r) => r.storageKey), onDeleted)
}
