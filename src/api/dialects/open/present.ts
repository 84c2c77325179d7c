import { toDialectId } from '../id-forms.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ResultOutput } from '../../../jobs/job-service.js'

export const REQUEST_PREFIX = 'req'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Credits taken: the hold while running and the price once succeeded; none after failure or cancel. */
export function creditsCharged(job: Job): number {
  return job.status === 'failed' || job.status === 'cancelled' ? 0 : job.price
}

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
    creditsCharged: creditsCharged(job),
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    completedAt: iso(job.finishedAt),
  }
}
