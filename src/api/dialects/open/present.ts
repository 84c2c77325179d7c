import { chargedCredits } from '../../../ledger/job-charges.js'
import { isoTime } from '../time-forms.js'
import { toDialectId } from '../id-forms.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ResultOutput } from '../../../jobs/job-service.js'

export const REQUEST_PREFIX = 'req'


/**
 * A generation as seed 004 shows it: its statuses are ours (queued, processing, succeeded,
 * failed, cancelled); `output` is set once succeeded.
 */
export function presentGeneration(job: Job, outputs: ResultOutput[]) {
  const first = job.status === 'succeeded' ? outputs[0] : undefined
  return {
    success: true as const,
    requestId: toDialectId(job.id, REQUEST_PREFIX),
    model: job.model,
    status: job.status,
    progress: job.progress,
    output: first
      ? { type: job.type, url: first.url, mimeType: first.mimeType, width: first.width, height: first.height, duration: first.durationSec }
      : null,
    error: job.error,
    creditsCharged: chargedCredits(job.charges),
    createdAt: isoTime(job.createdAt),
    startedAt: isoTime(job.startedAt),
    completedAt: isoTime(job.finishedAt),
  }
}
