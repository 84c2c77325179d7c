import { AppError } from '../../errors.js'
import { defineRoute } from '../route.js'
import { zodToAppError } from '../request-validation.js'
import { SubmitBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import { jobSummary } from './present-job.js'
import { ImageGenerateBody, VideoGenerateBody } from '../dialects/native/schemas.js'
import { nativeImageSubmit, nativeVideoSubmit } from '../dialects/native/submit-input.js'
import { planOf } from '../../catalog/prices.js'
import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { AppDeps } from '../deps.js'

/** The request's own errors name their field inside `request` (`request.prompt`). */
function requestError(err: z.ZodError): AppError {
  const e = zodToAppError('body', err)
  const field = e.field === 'body' || !e.field ? 'request' : `request.${e.field}`
  return new AppError('invalid_request', e.message.replace(`\`${e.field}\``, `\`${field}\``), { field })
}

function parseRequest(kind: 'video' | 'image', request: unknown) {
  if (kind === 'video') {
    const r = VideoGenerateBody.safeParse(request, { reportInput: true })
    if (!r.success) throw requestError(r.error)
    return nativeVideoSubmit(r.data)
  }
  const r = ImageGenerateBody.safeParse(request, { reportInput: true })
  if (!r.success) throw requestError(r.error)
  return nativeImageSubmit(r.data)
}

export function registerJobSubmit(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/jobs',
    dialect: 'account',
    summary: 'The playground: submit a native generate body, charged to your personal account or a team of yours',
    body: SubmitBody,
    headers: { 'Idempotency-Key': { required: true, description: 'Unique per new request; a retry with the same key and body returns the original job.' } },
    responses: { 202: 'The job (or the original on a replay)' },
    preHandler: requireSession(deps),
    async handler({ body, req }, reply) {
      const { user } = sessionOf(req)
      await deps.people.teams.requireRole(user.id, body.accountId)
      const input = parseRequest(body.kind, body.request)
      const key = req.headers['idempotency-key']
      if (typeof key !== 'string' || key.trim() === '') throw new AppError('invalid_request', 'The `Idempotency-Key` header is required.', { field: 'Idempotency-Key' })
      const acct = await deps.store.db.selectFrom('accounts').select(['name', 'plan']).where('id', '=', body.accountId).executeTakeFirstOrThrow()
      await deps.limiter.consume(body.accountId, planOf(deps.prices, acct.plan).requestsPerMinute)
      // The member who made the job is kept in api_key_id (a usr_ id): a team's usage by member.
      const auth = { accountId: body.accountId, accountName: acct.name, apiKeyId: user.id, plan: acct.plan }
      const { job } = await deps.jobs.submit({ auth, requestId: req.id, dialect: 'native', idempotencyKey: key, ...input })
      return reply.status(202).send(jobSummary(job, deps.jobs))
    },
  })
}
