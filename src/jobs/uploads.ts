import { randomUUID } from 'node:crypto'
import { AppError } from '../errors.js'
import type { Clock } from '../domain/clock.js'
import type { ProviderLogger } from '../providers/provider.js'
import type { Storage } from '../storage/storage.js'
import type { Store } from '../store/db.js'

export interface UploadsDeps {
  store: Store
  storage: Storage
  clock: Clock
  /** How long an upload may stay without a job, and stays after its job has ended. */
  graceMs: number
  log: ProviderLogger
}

/** Objects deleted per sweep and kind, so one sweep never holds the worker for long. */
const SWEEP_BATCH = 200

/**
 * Customers' uploaded files. Every upload has a row, written before its object, so nothing a
 * crash leaves behind escapes the sweep: an upload no job took within the grace period, and
 * the uploads of a job that was deleted or ended more than the grace period ago, are removed.
 */
export function createUploads(deps: UploadsDeps) {
  const { db } = deps.store

  async function deleteAll(keys: string[]): Promise<void> {
    // Object first, then row: a crash in between leaves a row, and the next sweep tries again.
    for (const key of keys) {
      try {
        await deps.storage.delete(key)
      } catch (err) {
        deps.log.warn({ key, err: String(err) }, 'could not delete an upload; the sweep will retry')
        continue
      }
      await db.deleteFrom('uploads').where('key', '=', key).execute()
    }
  }

  return {
    /** Stores an upload for an account; returns its storage key. */
    async put(accountId: string, source: { path: string } | { bytes: Uint8Array }, meta: { bytes: number; sha256: string; ext: string; mime: string }): Promise<string> {
      const key = `uploads/${randomUUID()}.${meta.ext}`
      await db.insertInto('uploads').values({ key, accountId, jobId: null, bytes: meta.bytes, sha256: meta.sha256, createdAt: deps.clock.now() }).execute()
      try {
        await deps.storage.put(key, source, meta.mime)
      } catch (err) {
        await deleteAll([key])
        throw err
      }
      return key
    },

    /** Deletes uploads that no job took (the request was refused or replayed). */
    async discard(keys: string[]): Promise<void> {
      await deleteAll(keys)
    },

    /** Gives uploads to a job; call inside the transaction that creates the job. */
    async attach(trx: Store['db'], accountId: string, jobId: string, keys: string[]): Promise<void> {
      if (keys.length === 0) return
      const res = await trx.updateTable('uploads').set({ jobId }).where('key', 'in', keys).where('accountId', '=', accountId).where('jobId', 'is', null).executeTakeFirst()
      if (Number(res.numUpdatedRows) !== keys.length) {
        // Only after a request outlived the grace period: its uploads were swept meanwhile.
        throw new AppError('service_unavailable', 'An uploaded file expired before the job was created; send the request again.')
      }
    },

    /** Deletes a job's uploads (the job is being deleted). */
    async removeForJob(jobId: string): Promise<void> {
      const rows = await db.selectFrom('uploads').select('key').where('jobId', '=', jobId).execute()
      await deleteAll(rows.map((r) => r.key))
    },

    /** Removes orphans and the uploads of deleted or long-finished jobs; returns how many. */
    async sweep(): Promise<number> {
      const cutoff = deps.clock.now() - deps.graceMs
      const orphans = await db.selectFrom('uploads').select('key').where('jobId', 'is', null).where('createdAt', '<=', cutoff).limit(SWEEP_BATCH).execute()
      const done = await db
        .selectFrom('uploads')
        .innerJoin('jobs', 'jobs.id', 'uploads.jobId')
        .select('uploads.key')
        .where((eb) => eb.or([eb('jobs.deletedAt', 'is not', null), eb.and([eb('jobs.finishedAt', 'is not', null), eb('jobs.finishedAt', '<=', cutoff)])]))
        .limit(SWEEP_BATCH)
        .execute()
      const keys = [...orphans, ...done].map((r) => r.key)
      await deleteAll(keys)
      return keys.length
    },
  }
}

export type Uploads = ReturnType<typeof createUploads>
