import { z } from 'zod'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { toDialectId } from '../../id-forms.js'
import { VideoIdParams } from '../schemas.js'
import { D } from '../request.js'
import { findVideo, VIDEO_PREFIX } from './find-video.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const DeleteVideoResponse = z.object({ id: z.string(), object: z.literal('video.deleted'), deleted: z.literal(true) })
export type DeleteVideoResponse = z.output<typeof DeleteVideoResponse>

/** `DELETE /v1/videos/:video_id`: an unfinished video is cancelled first and its hold released. */
export function registerDeleteVideo(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'DELETE',
    url: '/videos/:video_id',
    dialect: D,
    operationId: 'deleteVideo',
    summary: 'Delete a video and its stored files (an unfinished one is cancelled first and its hold released)',
    params: VideoIdParams,
    responses: { 200: { description: 'Deleted', schema: DeleteVideoResponse } },
    async handler({ params, req }): Promise<DeleteVideoResponse> {
      const job = await findVideo(deps, req, params.video_id)
      await deps.jobs.remove(authOf(req).accountId, job.id)
      return { id: toDialectId(job.id, VIDEO_PREFIX), object: 'video.deleted', deleted: true }
    },
  })
}
