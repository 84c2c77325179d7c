import type { Db } from './db.js'
import { updateFencedJob, type Fence } from './update-job.js'

export interface Failure {
  code: string
  /** Safe to show the customer. */
  message: string
  /** Operator-only. */
  detail: string | null
}

/** `failed`, fenced on the claim. The caller releases the hold in the same transaction when this returns true. */
export function failJob(db: Db, job: Fence, f: Failure, now: number): Promise<boolean> {
  return updateFencedJob(db, job, { status: 'failed', errorCode: f.code, errorMessage: f.message, errorDetail: f.detail, finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
}
