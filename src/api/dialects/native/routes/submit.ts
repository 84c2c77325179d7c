import { AppError } from '../../../../errors.js'
import { submitJob } from '../../submit-job.js'
import { chargedCredits } from '../../../../ledger/job-charges.js'
import { parseSize } from '../size.js'
import type { JobType } from '../../../../domain/params.js'
import type { Job } from '../../../../jobs/job-model.js'
import type { NativeSubmit } from '../submit-input.js'
import type { IdempotencyContext } from '../../../plugins/idempotency.js'
import type { AppDeps } from '../../../deps.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Submitted } from '../schemas.js'

export const D = 'native'

/** `size` (16:9_SMALL) as the canonical ratio and resolution. */
export function sizeInput(type: JobType, size: string | undefined): { aspectRatio?: string; resolution?: string } {
  if (size === undefined) return {}
  const parsed = parseSize(type, size)
  if (!parsed) throw new AppError('invalid_request', '`size` must look like 16:9_SMALL (ratio, then SMALL, MEDIUM or LARGE)', { field: 'size' })
  return parsed
}

export function submitted(job: Job, replay: boolean): Submitted {
  return { ok: true, jobId: job.id, status: job.status, type: job.type, model: job.model, chargedCredits: chargedCredits(job.charges), idempotentReplay: replay }
}

export const SUBMIT_RESPONSES = {
  402: 'insufficient_credits: the available balance does not cover the price',
  429: 'rate_limited or concurrency_limited: too many requests or active jobs for the plan',
}

/** One native submit (image or video): the job service call, the replay header and the 202. */
export async function submitNative(deps: AppDeps, call: { req: FastifyRequest; reply: FastifyReply; idempotency: IdempotencyContext }, request: NativeSubmit): Promise<Submitted> {
  const { req, reply, idempotency } = call
  const { job, replay } = await submitJob(deps, req, D, { ...request, ...idempotency.claim() })
  idempotency.replayed(reply, replay)
  void reply.status(202)
  return submitted(job, replay)
}
