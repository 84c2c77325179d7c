import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { fromDialectId } from '../../id-forms.js'
import type { FastifyRequest } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { Job } from '../../../../jobs/job-model.js'

export const VIDEO_PREFIX = 'video'

function notAVideo(id: string): AppError {
  return new AppError('not_found', `No video found with id '${id}'.`, { field: 'video_id' })
}

/** The video job behind an OpenAI video id; image jobs and other accounts' jobs are not found. */
export async function findVideo(deps: AppDeps, req: FastifyRequest, id: string): Promise<Job> {
  let jobId: string
  try {
    jobId = fromDialectId(id, VIDEO_PREFIX)
  } catch {
    throw notAVideo(id)
  }
  const job = await deps.jobs.get(authOf(req).accountId, jobId)
  if (!job || job.type !== 'video') throw notAVideo(id)
  return job
}
