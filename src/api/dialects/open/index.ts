import { withoutUnsupportedMediaType } from '../not-json.js'
import { presentGeneration, REQUEST_PREFIX } from './present.js'
import { OpenErrorSchema } from './schemas.js'
import { D, registerCreateGeneration } from './routes/create-generation.js'
import { registerListOpenModels } from './routes/list-models.js'
import { registerGetGeneration } from './routes/get-generation.js'
import { registerCancelGeneration } from './routes/cancel-generation.js'
import type { Dialect } from '../../dialect.js'

/** The Seedance 2.0 Open API (`/api/open/v1/…`, seed 004). */
export const openDialect: Dialect = {
  name: D,
  description: 'The Seedance 2.0 Open API (seed 004): video generations under /api/open/v1',
  prefix: '/api/open',
  paths: ['/api/open'],
  idPrefix: REQUEST_PREFIX,
  errorSchema: OpenErrorSchema,
  formatError(raw) {
    const err = withoutUnsupportedMediaType(raw)
    // Seed 004: every error is `{success:false, error:{code, message}}`; a bad key always reads
    // "Invalid API key", and the concurrency limit counts as its `rate_limited`. The request id
    // travels in the `x-request-id` header.
    const code = err.code === 'concurrency_limited' ? 'rate_limited' : err.code
    const message = err.code === 'unauthorized' ? 'Invalid API key' : err.message
    return { status: err.status, body: { success: false, error: { code, message, ...(err.field ? { field: err.field } : {}) } } }
  },
  webhookPayload(job, _event, outputs) {
    // Seed 004's completion payload, exactly: {success, requestId, status, output:{type,url}, error}.
    const g = presentGeneration(job, outputs)
    return { success: job.status === 'succeeded', requestId: g.requestId, status: g.status, output: g.output ? { type: g.output.type, url: g.output.url } : null, error: g.error }
  },
  routes(app, deps) {
    for (const register of [registerListOpenModels, registerCreateGeneration, registerGetGeneration, registerCancelGeneration]) register(app, deps)
  },
}
