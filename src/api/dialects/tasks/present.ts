import { toDialectId } from '../id-forms.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ResultOutput } from '../../../jobs/job-service.js'
import type { JobStatus } from '../../../domain/job-status.js'

/** Task ids look like `sd2_…` (the job id with its prefix swapped). */
export const TASK_PREFIX = 'sd2'

/**
 * 001 tells clients to "poll until the status is completed or failed", so every terminal state
 * is one of those two: a cancelled job reads as `failed` (its `error.code` says `cancelled`).
 */
export const TASK_STATUS: Record<JobStatus, 'pending' | 'processing' | 'completed' | 'failed'> = {
  queued: 'pending',
  processing: 'processing',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'failed',
}

/** The model name this API speaks: every video model is `seedance`; image models keep their id. */
export function taskModel(job: Pick<Job, 'type' | 'model'>): string {
  return job.type === 'video' ? 'seedance' : job.model
}

/** Credits held while running, taken once completed, none after a failure or cancellation. */
export function creditsUsed(job: Job): number {
  return job.status === 'failed' || job.status === 'cancelled' ? 0 : job.price
}

type TaskOutput = { video_url: string } | { image_urls: string[] } | null

function outputOf(job: Job, outputs: ResultOutput[]): TaskOutput {
  if (job.status !== 'succeeded' || outputs.length === 0) return null
  if (job.type === 'video') return { video_url: outputs[0]!.url }
  return { image_urls: outputs.map((o) => o.url) }
}

/**
 * The 001 task shape: `{id, status, model, output, credits_used}`, plus `error` once failed.
 * `output` is null until the task is completed.
 */
export function presentTask(job: Job, outputs: ResultOutput[]) {
  const status = TASK_STATUS[job.status]
  return {
    id: toDialectId(job.id, TASK_PREFIX),
    status,
    model: taskModel(job),
    output: outputOf(job, outputs),
    credits_used: creditsUsed(job),
    ...(status === 'failed' ? { error: job.error ?? { code: 'generation_failed', message: 'The generation failed.' } } : {}),
  }
}
