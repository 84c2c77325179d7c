import { z } from 'zod'
import { AppError } from '../../../../errors.js'
import { defineRoute } from '../../../route.js'
import { VideoContentQuery, VideoIdParams } from '../schemas.js'
import { presentVideo } from '../present.js'
import { D } from '../request.js'
import { findVideo } from './find-video.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

const Mp4 = z.string().meta({ contentMediaType: 'video/mp4' })

/** `GET /v1/videos/:video_id/content` (OpenAI videos.downloadContent): the MP4 bytes. */
export function registerGetVideoContent(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'GET',
    url: '/videos/:video_id/content',
    dialect: D,
    operationId: 'downloadVideoContent',
    summary: 'Download the MP4 of a completed video (OpenAI videos.downloadContent)',
    params: VideoIdParams,
    query: VideoContentQuery,
    responses: {
      200: { description: 'video/mp4 bytes', schema: Mp4, contentType: 'video/mp4' },
      400: 'Not completed',
      404: 'No such video or variant',
      410: 'The stored video is missing or damaged (file_unavailable)',
    },
    async handler({ params, query, req }, reply) {
      const job = await findVideo(deps, req, params.video_id)
      const variant = query.variant ?? 'video'
      if (variant !== 'video') throw new AppError('not_found', `This video has no ${variant} variant; only variant=video is available.`, { field: 'variant' })
      const video = presentVideo(job)
      const out = job.outputs[0]
      if (job.status !== 'succeeded' || !out) {
        throw new AppError('invalid_request', `The video is ${video.status}; its content is available once it is completed.`, { field: 'video_id' })
      }
      const file = await deps.jobs.files.open(out.key, { jobId: job.id, expected: out })
      void reply.header('content-type', out.mime).header('content-length', String(file.size)).header('content-disposition', `attachment; filename="${video.id}.mp4"`)
      return reply.send(file.stream)
    },
  })
}
