import { AppError } from '../../errors.js'
import { sessionOf } from './session-auth.js'
import type { FastifyRequest } from 'fastify'
import type { AppDeps } from '../deps.js'

/** The account a request reads: the one asked for if the user is a member, else their personal one. */
export async function accountFor(deps: AppDeps, req: FastifyRequest, accountId: string | undefined): Promise<string> {
  const { user } = sessionOf(req)
  if (accountId === undefined) return user.personalAccountId
  await deps.people.teams.requireRole(user.id, accountId)
  return accountId
}

/** A job of one of the user's accounts; 404 for anything else (another tenant's job included). */
export async function ownJob(deps: AppDeps, req: FastifyRequest, jobId: string) {
  const { user } = sessionOf(req)
  const row = await deps.store.db.selectFrom('jobs').select('accountId').where('id', '=', jobId).where('deletedAt', 'is', null).executeTakeFirst()
  if (!row || !(await deps.people.teams.roleIn(user.id, row.accountId))) throw new AppError('not_found', 'No job with this id among your accounts.')
  const job = await deps.jobs.get(row.accountId, jobId)
  if (!job) throw new AppError('not_found', 'No job with this id among your accounts.')
  return job
}
