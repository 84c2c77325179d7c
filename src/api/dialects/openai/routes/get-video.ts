import { clientPollAfterMs } from '../../../../domain/poll-schedule.js'
import { resolveModel } from '../../../../catalog/models.js'
import { defineRoute } from '../../../route.js'
import { VideoIdParams, VideoObjectSchema } from '../schemas.js'
import { presentVideo } from '../present.js'
import { D } from '../request.js'
import { findVideo } from './find-video.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type GetVideoResponse = z.output<typeof VideoObjectSchema>

/** `GET /v1/videos/:video_id` (OpenAI videos.retrieve). */
export function registerGetVideo(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'GET',
    url: '/videos/:video_id',
    dialect: D,
    operationId: 'getVideo',
    summary: 'Get a video (OpenAI videos.retrieve)',
    params: VideoIdParams,
    responses: { 200: { description: 'The video object', schema: VideoObjectSchema, headers: { 'openai-poll-after-ms': 'While it runs: how long to wait before polling again' } } },
    async handler({ params, req }, reply): Promise<GetVideoResponse> {
      const job = await findVideo(deps, req, params.video_id)
      // The header OpenAI sends while an object runs; the SDKs' poll helpers wait this long.
      if (job.status === 'queued' || job.status === 'processing') {
        void reply.header('openai-poll-after-ms', String(clientPollAfterMs(resolveModel(job.model)?.typicalMs ?? 60_000)))
      }
      return presentVideo(job)
    },
  })
}
