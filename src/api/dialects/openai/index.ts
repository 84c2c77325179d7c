import multipart from '@fastify/multipart'
import { FORM_LIMITS } from './multipart.js'
import { formatOpenAIError, presentVideo } from './present.js'
import { D } from './request.js'
import { OpenAIErrorSchema } from './schemas.js'
import { registerCreateImage } from './routes/create-image.js'
import { registerEditImage } from './routes/edit-image.js'
import { registerCreateVideo } from './routes/create-video.js'
import { registerGetVideo } from './routes/get-video.js'
import { registerGetVideoContent } from './routes/get-video-content.js'
import { registerListVideos } from './routes/list-videos.js'
import { registerDeleteVideo } from './routes/delete-video.js'
import { VIDEO_PREFIX } from './routes/find-video.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'

/** OpenAI's Images and Videos APIs (as the official `openai` SDK calls them) over the job service. */
export const openaiDialect: Dialect = {
  name: D,
  description: "OpenAI's Images and Videos APIs, as the official `openai` SDK calls them",
  prefix: '/v1',
  paths: ['/v1/videos', '/v1/images/generations', '/v1/images/edits', '/v1/images/variations'],
  idPrefix: VIDEO_PREFIX,
  errorSchema: OpenAIErrorSchema,
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
  async routes(app: FastifyInstance, deps: AppDeps) {
    // One encapsulated scope: multipart parsing exists only for these routes.
    await app.register(async (scope) => {
      await scope.register(multipart, { limits: FORM_LIMITS, throwFileSizeLimit: true })
      // Retrying an empty balance cannot help: tell the SDK not to (it retries every 429).
      scope.addHook('onSend', async (_req, reply, payload) => {
        if (reply.statusCode === 429 && typeof payload === 'string' && payload.includes('"insufficient_quota"')) void reply.header('x-should-retry', 'false')
        return payload
      })
      for (const register of [registerCreateImage, registerEditImage, registerCreateVideo, registerGetVideo, registerGetVideoContent, registerListVideos, registerDeleteVideo]) register(scope, deps)
    })
  },
}
