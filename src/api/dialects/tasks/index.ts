import { AppError, type ErrorCode } from '../../../errors.js'
import { requestFingerprint } from '../../../domain/fingerprint.js'
import { authenticate, authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { fromDialectId } from '../id-forms.js'
import { GptImageBody, NanoBananaBody, SeedanceBody, TaskIdParams } from './schemas.js'
import { gptImageInput, mediaError, nanoBananaInput, seedanceInput, type Translated } from './translate.js'
import { presentTask, TASK_PREFIX } from './present.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'
import type { JobType } from '../../../domain/params.js'
import type { ImageInput, VideoInput } from '../../../catalog/validate.js'

const D = 'tasks'
const BASE = '/api/v1'

/** The 001 error table: code → HTTP status. */
type TaskErrorCode = 'invalid_request' | 'unauthorized' | 'insufficient_credits' | 'rate_limited' | 'idempotency_conflict' | 'service_busy' | 'not_found' | 'internal_error'

const TASK_ERRORS: Record<TaskErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  rate_limited: 429,
  idempotency_conflict: 409,
  service_busy: 503,
  not_found: 404,
  internal_error: 500,
}

/** Our codes onto 001's; statuses always follow the 001 table. */
const CODE_MAP: Record<ErrorCode, TaskErrorCode> = {
  invalid_request: 'invalid_request',
  unauthorized: 'unauthorized',
  insufficient_credits: 'insufficient_credits',
  // 001: not_found is "does not exist or does not belong to this key owner".
  forbidden: 'not_found',
  not_found: 'not_found',
  idempotency_conflict: 'idempotency_conflict',
  job_not_cancellable: 'invalid_request',
  too_many_keys: 'invalid_request',
  payload_too_large: 'invalid_request',
  unsupported_media_type: 'invalid_request',
  rate_limited: 'rate_limited',
  // 001: service_busy is a "temporary upstream or credit-concurrency issue. Retry."
  concurrency_limited: 'service_busy',
  service_unavailable: 'service_busy',
  internal_error: 'internal_error',
}

const IDEMPOTENCY_HEADER = {
  'Idempotency-Key': { required: true, description: 'A unique id per request; a retry with the same key and body returns the original task.' },
}

const SUBMIT_RESPONSES = {
  200: '`{id, status, model, output, credits_used}` (the original task on an idempotent replay)',
  400: 'invalid_request',
  401: 'unauthorized',
  402: 'insufficient_credits',
  409: 'idempotency_conflict',
  429: 'rate_limited',
  503: 'service_busy',
}

function idempotencyKey(req: FastifyRequest): string {
  const key = req.headers['idempotency-key']
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AppError('invalid_request', 'The `Idempotency-Key` header is required on POST requests.', { field: 'Idempotency-Key' })
  }
  return key
}

/** The seedance2ai.io public API (`/api/v1/video/seedance`, `/api/v1/image/*`, `/api/v1/tasks/:id`; seeds 001/003). */
export const tasksDialect: Dialect = {
  name: D,
  formatError(err, requestId) {
    const code = CODE_MAP[err.code]
    return {
      status: TASK_ERRORS[code],
      body: { error: { code, message: err.message, requestId, ...(err.field ? { field: err.field } : {}) } },
    }
  },
  webhookPayload(job, _event, outputs) {
    return presentTask(job, outputs)
  },
  routes(app: FastifyInstance, deps: AppDeps) {
    const auth = authenticate(deps)

    async function submit(req: FastifyRequest, reply: FastifyReply, url: string, type: JobType, body: unknown, t: Translated<VideoInput | ImageInput>) {
      try {
        const { job, replay } = await deps.jobs.submit({
          auth: authOf(req),
          requestId: req.id,
          dialect: D,
          type,
          model: t.model,
          input: t.input,
          fields: t.fields,
          idempotencyKey: idempotencyKey(req),
          fingerprint: requestFingerprint('POST', url, body),
        })
        if (replay) void reply.header('idempotent-replayed', 'true')
        return reply.status(200).send(presentTask(job, []))
      } catch (err) {
        throw mediaError(err)
      }
    }

    const video = `${BASE}/video/seedance`
    defineRoute(app, {
      method: 'POST',
      url: video,
      dialect: D,
      summary: 'Submit a Seedance video task (text, image or media to video)',
      body: SeedanceBody,
      headers: IDEMPOTENCY_HEADER,
      responses: SUBMIT_RESPONSES,
      preHandler: auth,
      async handler({ body, req }, reply) {
        return submit(req, reply, video, 'video', body, seedanceInput(body))
      },
    })

    const gpt = `${BASE}/image/gpt-image-2`
    defineRoute(app, {
      method: 'POST',
      url: gpt,
      dialect: D,
      summary: 'Submit a GPT Image 2 task',
      body: GptImageBody,
      headers: IDEMPOTENCY_HEADER,
      responses: SUBMIT_RESPONSES,
      preHandler: auth,
      async handler({ body, req }, reply) {
        return submit(req, reply, gpt, 'image', body, gptImageInput(body))
      },
    })

    const nano = `${BASE}/image/nano-banana-pro`
    defineRoute(app, {
      method: 'POST',
      url: nano,
      dialect: D,
      summary: 'Submit a Nano Banana Pro task',
      body: NanoBananaBody,
      headers: IDEMPOTENCY_HEADER,
      responses: SUBMIT_RESPONSES,
      preHandler: auth,
      async handler({ body, req }, reply) {
        return submit(req, reply, nano, 'image', body, nanoBananaInput(body))
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: `${BASE}/tasks/:id`,
      dialect: D,
      summary: 'Task status; poll until completed or failed, then read `output`',
      params: TaskIdParams,
      responses: { 200: '`{id, status, model, output, credits_used}` plus `error` when failed', 404: 'not_found' },
      preHandler: auth,
      async handler({ params, req }) {
        const job = await deps.jobs.get(authOf(req).accountId, fromDialectId(params.id, TASK_PREFIX))
        if (!job) throw new AppError('not_found', 'Task does not exist or does not belong to this key owner.')
        return presentTask(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
      },
    })
  },
}
