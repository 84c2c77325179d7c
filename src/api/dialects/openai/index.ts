import multipart from '@fastify/multipart'
import { authenticate } from '../../plugins/auth.js'
import { FORM_LIMITS } from './multipart.js'
import { formatOpenAIError, presentVideo } from './present.js'
import { D } from './request.js'
import { registerImageRoutes } from './image-routes.js'
import { registerVideoRoutes } from './video-routes.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'

/** OpenAI's Images and Videos APIs (as the official `openai` SDK calls them) over the job service. */
export const openaiDialect: Dialect = {
  name: D,
  formatError(err) {
    return formatOpenAIError(err)
  },
  webhookPayload(job, event) {
    // OpenAI's event envelope: the receiver fetches the object by id, as with OpenAI's own webhooks.
    const outcome = event === 'job.succeeded' ? 'completed' : event === 'job.cancelled' ? 'cancelled' : 'failed'
    return {
      id: `evt_${job.id.slice('job_'.length)}`,
      object: 'event',
      type: `${job.type}.${outcome}`,
      created_at: Math.floor((job.finishedAt ?? job.updatedAt) / 1000),
      data: { id: job.type === 'video' ? presentVideo(job).id : job.id },
    }
  },
  routes(app: FastifyInstance, deps: AppDeps) {
    // One encapsulated scope: multipart parsing exists only for these routes.
    void app.register(async (scope) => {
      await scope.register(multipart, { limits: FORM_LIMITS, throwFileSizeLimit: true })
      // Retrying an empty balance cannot help: tell the SDK not to (it retries every 429).
      scope.addHook('onSend', async (_req, reply, payload) => {
        if (reply.statusCode === 429 && typeof payload === 'string' && payload.includes('"insufficient_quota"')) void reply.header('x-should-retry', 'false')
        return payload
      })
      const auth = authenticate(deps)

      registerImageRoutes(scope, deps, auth)
      registerVideoRoutes(scope, deps, auth)
    })
  },
}
