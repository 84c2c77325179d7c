import type { FastifyRequest } from 'fastify'
import type { SubmitRequest } from '../../jobs/job-service.js'
import { authOf } from '../plugins/auth.js'
import type { AppDeps } from '../deps.js'

/** What a dialect's submit says of the job itself; who asks and in which request comes from `req`. */
export type DialectSubmit = Omit<SubmitRequest, 'auth' | 'requestId' | 'dialect'>

/**
 * Every dialect's one call into the job service: the authenticated key of the request, its
 * request id (kept on the job for the worker's logs) and the dialect the job answers in.
 */
export function submitJob(deps: AppDeps, req: FastifyRequest, dialect: string, submit: DialectSubmit) {
  return deps.jobs.submit({ auth: authOf(req), requestId: req.id, dialect, ...submit })
}
