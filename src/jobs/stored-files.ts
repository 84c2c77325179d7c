import { AppError } from '../errors.js'
import { DamagedFileError, openVerified, readVerified, statVerified, type ExpectedFile } from '../storage/verified-read.js'
import type { ProviderLogger } from '../providers/provider.js'
import type { Storage } from '../storage/storage.js'
import type { Store } from '../store/db.js'
import { getJobOutputs } from '../store/jobs/index.js'
import type { StoredOutput } from './job-model.js'

/** What a served key must be, and the job it belongs to (for the operator's alert). */
export interface FileRecord {
  jobId: string | null
  expected: ExpectedFile
}

const RESULT_KEY = /^results\/(job_[0-9A-Za-z]+)\/[^/]+$/

/**
 * Serving stored files with their recorded size and SHA-256 checked. A missing or damaged file
 * is logged at error level for the operator (job id and key) and answered with
 * `file_unavailable`, never with a 500 or with bad bytes.
 */
export function createStoredFiles(deps: { store: Store; storage: Storage; log: ProviderLogger }) {
  const { storage, log } = deps

  const unavailable = (err: DamagedFileError) => new AppError('file_unavailable', 'The stored file is missing or damaged; the operator has been alerted.', { cause: err })
  /** Logs the operator alert; a stream then fails with `file_unavailable`. */
  const alert = (key: string, jobId: string | null) => (err: DamagedFileError) => {
    log.error({ jobId, key, problem: err.problem, actualBytes: err.actualBytes }, 'stored file is missing or damaged')
    return unavailable(err)
  }

  async function guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work
    } catch (err) {
      if (err instanceof DamagedFileError) throw unavailable(err)
      throw err
    }
  }

  return {
    /** A job output read whole into memory, verified before it is returned (e.g. `b64_json`). */
    read: (jobId: string, out: StoredOutput) => guard(readVerified(storage, out.key, out, alert(out.key, jobId))),

    /** A stored object opened for streaming: size checked now, hash checked as it streams. */
    open: (key: string, rec: FileRecord, range?: { start: number; end: number }) => guard(openVerified(storage, key, rec.expected, alert(key, rec.jobId), range)),

    /** Checks that each output exists with its size, before links to them are handed out. */
    async check(jobId: string, outputs: StoredOutput[]): Promise<void> {
      await guard(Promise.all(outputs.map((o) => statVerified(storage, o.key, o, alert(o.key, jobId)))))
    },

    /** What a key must be: a job's output, a job's input or a customer upload; null when nothing records it. */
    async recordOf(key: string): Promise<FileRecord | null> {
      const jobId = RESULT_KEY.exec(key)?.[1]
      if (jobId) {
        const outputs = await getJobOutputs(deps.store.db, jobId)
        const out = outputs ? (JSON.parse(outputs) as StoredOutput[]).find((o) => o.key === key) : undefined
        return out ? { jobId, expected: out } : null
      }
      if (key.startsWith('inputs/')) {
        // A job's stored reference (shared by content hash), linked to upstreams.
        const row = await deps.store.db.selectFrom('jobInputs').select(['jobId', 'bytes', 'sha256']).where('storageKey', '=', key).limit(1).executeTakeFirst()
        return row ? { jobId: row.jobId, expected: { bytes: Number(row.bytes), sha256: row.sha256 } } : null
      }
      if (key.startsWith('uploads/')) {
        const row = await deps.store.db.selectFrom('uploads').select(['jobId', 'bytes', 'sha256']).where('key', '=', key).executeTakeFirst()
        return row ? { jobId: row.jobId, expected: { bytes: Number(row.bytes), sha256: row.sha256 } } : null
      }
      return null
    },
  }
}

export type StoredFiles = ReturnType<typeof createStoredFiles>
