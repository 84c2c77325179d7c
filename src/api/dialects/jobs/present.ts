import { chargedCredits } from '../../../ledger/job-charges.js'
import { toDialectId } from '../id-forms.js'
import { JOBS_MODELS } from './schemas.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ResultOutput } from '../../../jobs/job-service.js'
import type { JobStatus } from '../../../domain/job-status.js'

export const TASK_PREFIX = 'task'

/** Our statuses in seed 002's words; a cancelled task is FAILED with an error message. */
const STATUS: Record<JobStatus, 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED'> = {
  queued: 'PENDING',
  processing: 'PROCESSING',
  succeeded: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'FAILED',
}

const MODEL_NAME: Record<string, string> = Object.fromEntries(Object.entries(JOBS_MODELS).map(([name, id]) => [id, name]))

/** The seed's model name; other catalog models (made through another API) keep their id. */
export function modelName(catalogId: string): string {
  return MODEL_NAME[catalogId] ?? catalogId
}


/** The Query Task response (also the callback payload). */
export function presentTask(job: Job, outputs: ResultOutput[]) {
  const status = STATUS[job.status]
  return {
    taskId: toDialectId(job.id, TASK_PREFIX),
    model: modelName(job.model),
    status,
    creditsUsed: chargedCredits(job.charges),
    output: status === 'COMPLETED' ? outputs.map((o) => ({ url: o.url, width: o.width, height: o.height })) : [],
    error: status === 'FAILED' ? (job.error?.message ?? 'The task failed.') : null,
    createTime: job.createdAt,
    completeTime: job.finishedAt,
  }
}
