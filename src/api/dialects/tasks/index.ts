import { AppError, type ErrorCode } from '../../../errors.js'
import { requestFingerprint } from '../../../domain/fingerprint.js'
import { authenticate, authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { fromDialectId } from '../id-forms.js'
import { GptImageBody, NanoBananaBody, Seedance25Body, SeedanceBody, TaskIdParams } from './schemas.js'
import { gptImageInput, mediaError, nanoBananaInput, seedance25Input, seedanceInput, type Translated } from './translate.js'
import { presentTask, TASK_PREFIX } from './present.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z, ZodType } from 'zod'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'
import type { JobType } from '../../../domain/params.js'
import type { ImageInput, VideoInput } from '../../../catalog/validate.js'

const D = 'tasks'
const BASE = '/api/v1'

/** The 001 error table: code → HTTP status. */
type TaskErrorCode = 'invalid_request' | 'unauthorized' | 'insufficient_credits' | 'rate_limited' | 'idempotency_conflict' | 'service_busy' | 'not_found' | 'internal_error' | 'reference_unavailable'

const TASK_ERRORS: Record<TaskErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  rate_limited: 429,
  idempotency_conflict: 409,
  service_busy: 503,
  not_found: 404,
  internal_error: 500,
  // Not in 001's table: a reference that timed out or whose server failed is worth retrying, unlike invalid_request.
  reference_unavailable: 400,
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
  // 001 has no 410: a lost result reads as gone, like an unknown task.
  file_unavailable: 'not_found',
  service_busy: 'service_busy',
  // Protocol errors: the 001 table has only invalid_request for a request the server cannot take.
  request_timeout: 'invalid_request',
  uri_too_long: 'invalid_request',
  expectation_failed: 'invalid_request',
  headers_too_large: 'invalid_request',
  reference_unavailable: 'reference_unavailable',
  // Session errors of /account/v1 and /admin/v1; never raised by an API-key route.
  csrf_failed: 'unauthorized',
  login_locked: 'rate_limited',
}

// The 001 document sends one, but clients of the live service omit it: optional, and when
// present the replay and conflict rules hold as everywhere.
const IDEMPOTENCY_HEADER = {
  'Idempotency-Key': { required: false, description: 'Optional: a unique id per request; a retry with the same key and body returns the original task.' },
}

const SUBMIT_RESPONSES = {
  200: '`{id, status, model, output, credits_used, credits_refunded}` (the original task on an idempotent replay)',
  400: 'invalid_request',
  401: 'unauthorized',
  402: 'insufficient_credits',
  409: 'idempotency_conflict',
  429: 'rate_limited',
  503: 'service_busy',
}

function idempotencyKey(req: FastifyRequest): string | undefined {
  const key = req.headers['idempotency-key']
  return typeof key === 'string' ? key : undefined
}

/** The seedance2ai.io public API (`/api/v1/video/seedance`, `/api/v1/image/*`, `/api/v1/tasks/:id`; seeds 001/003). */
export const tasksDialect: Dialect = {
  name: D,
  formatError(err, requestId) {
    const code = CODE_MAP[err.code]
    // A 402 says what was needed and what there was, at the top and in `error`, as clients read either.
    const credits =
      err.details?.requiredCredits !== undefined
        ? { required_credits: err.details.requiredCredits, available_credits: err.details.availableCredits ?? 0 }
        : {}
    return {
      status: TASK_ERRORS[code],
      body: { error: { code, message: err.message, requestId, ...(err.field ? { field: err.field } : {}), ...credits }, ...credits },
    }
  },
  webhookPayload(job, _event, outputs) {
    return presentTask(job, outputs)
  },
  routes(app: FastifyInstance, deps: AppDeps) {
    const auth = authenticate(deps)

    async function submit(req: FastifyRequest, reply: FastifyReply, url: string, type: JobType, body: unknown, translate: () => Translated<VideoInput | ImageInput>) {
      try {
        const t = translate()
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

    /** A submit route; `fingerprintUrl` is the path idempotency keys are bound to. */
    function submitRoute<B extends ZodType>(url: string, fingerprintUrl: string, summary: string, body: B, type: JobType, translate: (b: z.output<B>) => Translated<VideoInput | ImageInput>) {
      defineRoute(app, {
        method: 'POST',
        url,
        dialect: D,
        summary,
        body,
        headers: IDEMPOTENCY_HEADER,
        responses: SUBMIT_RESPONSES,
        preHandler: auth,
        async handler({ body: b, req }, reply) {
          return submit(req, reply, fingerprintUrl, type, b, () => translate(b))
        },
      })
    }

    // `/seedance` is the documented path, `/seedance2` the live one: one handler, and one
    // fingerprint, so a retry through either path replays the same task.
    const video = `${BASE}/video/seedance`
    for (const url of [video, `${BASE}/video/seedance2`]) {
      submitRoute(url, video, 'Submit a Seedance 2.0 video task (text, image or media to video)', SeedanceBody, 'video', seedanceInput)
    }
    const v25 = `${BASE}/video/seedance25`
    submitRoute(v25, v25, 'Submit a Seedance 2.5 video task (4–30 s or -1, up to 1080p; no quality_tier or seed)', Seedance25Body, 'video', seedance25Input)
    const gpt = `${BASE}/image/gpt-image-2`
    submitRoute(gpt, gpt, 'Submit a GPT Image 2 task', GptImageBody, 'image', gptImageInput)
    const nano = `${BASE}/image/nano-banana-pro`
    submitRoute(nano, nano, 'Submit a Nano Banana Pro task', NanoBananaBody, 'image', nanoBananaInput)

    defineRoute(app, {
      method: 'GET',
      url: `${BASE}/tasks/:id`,
      dialect: D,
      summary: 'Task status; poll until completed or failed, then read `output`',
      params: TaskIdParams,
      responses: { 200: '`{id, status, model, output, credits_used, credits_refunded}` plus `error` when failed', 404: 'not_found' },
      preHandler: auth,
      async handler({ params, req }) {
        const job = await deps.jobs.get(authOf(req).accountId, fromDialectId(params.id, TASK_PREFIX))
        if (!job) throw new AppError('not_found', 'Task does not exist or does not belong to this key owner.')
        return presentTask(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
      },
    })
  },
}
