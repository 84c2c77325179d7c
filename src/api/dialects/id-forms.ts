import { AppError } from '../../errors.js'

/**
 * Dialects show a job id in their own form (`sd2_…`, `task_…`, `req_…`, `video_…`). The form is
 * the job id with its prefix swapped, so mapping back needs no lookup.
 */
export function toDialectId(jobId: string, prefix: string): string {
  return `${prefix}_${jobId.slice('job_'.length)}`
}

/** The job id behind a dialect id; also accepts the plain `job_…` form. */
export function fromDialectId(id: string, prefix: string): string {
  if (id.startsWith('job_')) return id
  if (id.startsWith(`${prefix}_`)) return `job_${id.slice(prefix.length + 1)}`
  // An id of another form can never name a job here: answer as for a missing one.
  throw new AppError('not_found', 'No task with this id.')
}
