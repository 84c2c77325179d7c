import { presentJob, presentResult } from './present.js'
import { NativeErrorSchema } from './schemas.js'
import { registerCreateImageJob } from './routes/create-image-job.js'
import { registerCreateVideoJob } from './routes/create-video-job.js'
import { registerGetJob } from './routes/get-job.js'
import { registerGetJobResult } from './routes/get-job-result.js'
import { registerCancelJob } from './routes/cancel-job.js'
import { registerListJobs } from './routes/list-jobs.js'
import { registerGetUsage } from './routes/get-usage.js'
import { registerGetWebhook } from './routes/get-webhook.js'
import { registerPutWebhook } from './routes/put-webhook.js'
import { registerListJobWebhooks } from './routes/list-job-webhooks.js'
import { registerRedeliverJobWebhook } from './routes/redeliver-job-webhook.js'
import { registerListModels } from './routes/list-models.js'
import { registerListRegions } from '../../regions-route.js'
import type { Dialect } from '../../dialect.js'

/** The native `/v1` API, in the shape of seed document 000. */
export const nativeDialect: Dialect = {
  name: 'native',
  description: "Reelay's own API (seed 000): async image and video jobs, results, usage and webhooks",
  prefix: '/v1',
  // `/v1/videos` belongs to the OpenAI dialect, except native's own generate path.
  paths: ['/v1', '/v1/videos/generate'],
  errorSchema: NativeErrorSchema,
  formatError(err, requestId) {
    return { status: err.status, body: { ok: false, error: { code: err.code, message: err.message, requestId, ...(err.field ? { field: err.field } : {}) } } }
  },
  webhookPayload(job, event, outputs) {
    // Standard Webhooks envelope: the event type, when it happened, and the job as GET shows it.
    const { ok: _ok, ...data } = presentJob(job)
    return { type: event, timestamp: new Date(job.finishedAt ?? job.updatedAt).toISOString(), data: { ...data, outputs: presentResult(job, outputs).outputs } }
  },
  routes(app, deps) {
    for (const register of [
      registerCreateImageJob,
      registerCreateVideoJob,
      registerGetJob,
      registerGetJobResult,
      registerCancelJob,
      registerListJobs,
      registerGetUsage,
      registerGetWebhook,
      registerPutWebhook,
      registerListJobWebhooks,
      registerRedeliverJobWebhook,
      registerListModels,
      registerListRegions,
    ]) {
      register(app, deps)
    }
  },
}
