import { withoutUnsupportedMediaType } from '../not-json.js'
import { presentTask, TASK_PREFIX } from './present.js'
import { JobsErrorSchema } from './schemas.js'
import { D, registerCreateTask } from './routes/create-task.js'
import { registerQueryTask } from './routes/query-task.js'
import { registerGetCredits } from './routes/get-credits.js'
import type { Dialect } from '../../dialect.js'

/** The seedance2-ai.ai Enhanced API (`/api/v1/jobs/…`, seed 002). */
export const jobsDialect: Dialect = {
  name: D,
  description: 'The seedance2-ai.ai Enhanced API (seed 002): createTask, queryTask and credits',
  prefix: '/api/v1',
  paths: ['/api/v1/jobs', '/api/v1/account'],
  idPrefix: TASK_PREFIX,
  errorSchema: JobsErrorSchema,
  formatError(raw, requestId) {
    const err = withoutUnsupportedMediaType(raw)
    // `error` is a readable string, as in a FAILED task, so `throw new Error(result.error)` works for both.
    return { status: err.status, body: { error: err.message, code: err.code, status: err.status, requestId, ...(err.field ? { field: err.field } : {}) } }
  },
  webhookPayload(job, _event, outputs) {
    // Seed 002: "The callback payload has the same schema as the Query Task response."
    return presentTask(job, outputs)
  },
  // Seed 002: "Retries up to 3 times (1s, 5s, 30s delays)": four attempts, then failed.
  webhookScheduleMs: [1_000, 5_000, 30_000],
  routes(app, deps) {
    for (const register of [registerCreateTask, registerQueryTask, registerGetCredits]) register(app, deps)
  },
}
