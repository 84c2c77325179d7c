import { presentTask, TASK_PREFIX } from './present.js'
import { TasksErrorSchema } from './schemas.js'
import { D } from './routes/submit.js'
import { registerCreateSeedanceTask } from './routes/create-seedance-task.js'
import { registerCreateSeedance25Task } from './routes/create-seedance25-task.js'
import { registerCreateGptImageTask } from './routes/create-gpt-image-task.js'
import { registerCreateNanoBananaTask } from './routes/create-nano-banana-task.js'
import { registerGetTask } from './routes/get-task.js'
import type { ErrorCode } from '../../../errors.js'
import type { Dialect } from '../../dialect.js'

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
}

/** The seedance2ai.io public API (`/api/v1/video/seedance`, `/api/v1/image/*`, `/api/v1/tasks/:id`; seeds 001/003). */
export const tasksDialect: Dialect = {
  name: D,
  description: 'The seedance2ai.io public API (seeds 001/003): video and image tasks under /api/v1',
  prefix: '/api/v1',
  paths: ['/api/v1'],
  idPrefix: TASK_PREFIX,
  errorSchema: TasksErrorSchema,
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
  routes(app, deps) {
    for (const register of [registerCreateSeedanceTask, registerCreateSeedance25Task, registerCreateGptImageTask, registerCreateNanoBananaTask, registerGetTask]) register(app, deps)
  },
}
