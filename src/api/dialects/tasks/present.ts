import { chargedCredits } from '../../../ledger/job-charges.js'
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


type TaskOutput = { video_url: string } | { images: { url: string; width: number | null; height: number | null }[]; image_urls: string[] } | null

function outputOf(job: Job, outputs: ResultOutput[]): TaskOutput {
  if (job.status !== 'succeeded' || outputs.length === 0) return null
  if (job.type === 'video') return { video_url: outputs[0]!.url }
  // Clients of the live service read `images[]`; the 001 document's `image_urls` stays.
  return { images: outputs.map((o) => ({ url: o.url, width: o.width, height: o.height })), image_urls: outputs.map((o) => o.url) }
}

/**
 * The 001 task shape: `{id, status, model, output, credits_used, credits_refunded}`, plus `error`
 * once failed. Credits come from the ledger, so a partial capture shows what was taken.
 * `output` is null until the task is completed.
 */
export function presentTask(job: Job, outputs: ResultOutput[]) {
  const status = TASK_STATUS[job.status]
  return {
    id: toDialectId(job.id, TASK_PREFIX),
    status,
    model: taskModel(job),
    output: outputOf(job, outputs),
    credits_used: chargedCredits(job.charges),
    credits_refunded: job.charges.released,
    ...(status === 'failed' ? { error: job.error ?? { code: 'generation_failed', message: 'The generation failed.' } } : {}),
  }
}
