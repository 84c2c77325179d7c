import { z } from 'zod'
import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { fromDialectId } from '../../id-forms.js'
import { VideoListQuery, VideoObjectSchema } from '../schemas.js'
import { presentVideo } from '../present.js'
import { D } from '../request.js'
import { VIDEO_PREFIX } from './find-video.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const ListVideosResponse = z.object({ object: z.literal('list'), data: z.array(VideoObjectSchema), first_id: z.string().nullable(), last_id: z.string().nullable(), has_more: z.boolean() })
export type ListVideosRequest = z.input<typeof VideoListQuery>
export type ListVideosResponse = z.output<typeof ListVideosResponse>

/** `GET /v1/videos` (OpenAI videos.list): newest first. */
export function registerListVideos(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'GET',
    url: '/videos',
    dialect: D,
    operationId: 'listVideos',
    summary: 'List videos, newest first (OpenAI videos.list cursor page)',
    query: VideoListQuery,
    responses: { 200: { description: 'One page of videos', schema: ListVideosResponse } },
    async handler({ query, req }): Promise<ListVideosResponse> {
      if (query.order === 'asc') throw new AppError('invalid_request', '`order` asc is not supported; videos are listed newest first (desc)', { field: 'order' })
      let cursor: string | undefined
      if (query.after !== undefined) {
        try {
          cursor = fromDialectId(query.after, VIDEO_PREFIX)
        } catch {
          throw new AppError('invalid_request', '`after` must be a video id', { field: 'after' })
        }
      }
      const page = await deps.jobs.list(authOf(req).accountId, { type: 'video', cursor, limit: query.limit ?? 20 })
      const data = page.jobs.map(presentVideo)
      return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.nextCursor !== null }
    },
  })
}
