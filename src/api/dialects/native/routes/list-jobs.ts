import { z } from 'zod'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { presentJob } from '../present.js'
import { ListJobsQuery, NativeJobSchema } from '../schemas.js'
import { D } from './submit.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const ListJobsResponse = z.object({ ok: z.literal(true), data: z.array(NativeJobSchema), nextCursor: z.string().nullable(), hasMore: z.boolean() })
export type ListJobsRequest = z.input<typeof ListJobsQuery>
export type ListJobsResponse = z.output<typeof ListJobsResponse>

/** `GET /v1/jobs`: newest first, cursor pagination. */
export function registerListJobs(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/jobs',
    dialect: D,
    operationId: 'listJobs',
    summary: 'List jobs, newest first, with cursor pagination',
    query: ListJobsQuery,
    responses: { 200: { description: 'One page of jobs', schema: ListJobsResponse } },
    async handler({ query, req }): Promise<ListJobsResponse> {
      const page = await deps.jobs.list(authOf(req).accountId, query)
      return { ok: true, data: page.jobs.map(presentJob), nextCursor: page.nextCursor, hasMore: page.nextCursor !== null }
    },
  })
}
