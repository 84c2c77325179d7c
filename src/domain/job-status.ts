export const JOB_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'cancelled'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

export const ACTIVE_STATUSES = ['queued', 'processing'] as const satisfies readonly JobStatus[]
export const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled'] as const satisfies readonly JobStatus[]

export function isTerminal(s: JobStatus): boolean {
  return s === 'succeeded' || s === 'failed' || s === 'cancelled'
}
