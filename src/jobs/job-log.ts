import type { ProviderLogger } from '../providers/provider.js'
import type { JobsTable } from '../store/schema.js'

/** What every log line about a job names: the job and the API request that created it. */
export function jobIds(row: Pick<JobsTable, 'id' | 'requestId'>): { jobId: string; requestId?: string } {
  return row.requestId ? { jobId: row.id, requestId: row.requestId } : { jobId: row.id }
}

/** `log` with the job's ids on every line (handed to provider adapters). */
export function jobLogger(log: ProviderLogger, row: Pick<JobsTable, 'id' | 'requestId'>): ProviderLogger {
  const base = jobIds(row)
  return {
    info: (obj, msg) => log.info({ ...base, ...obj }, msg),
    warn: (obj, msg) => log.warn({ ...base, ...obj }, msg),
    error: (obj, msg) => log.error({ ...base, ...obj }, msg),
  }
}
