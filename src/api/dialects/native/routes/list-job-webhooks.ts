import { z } from 'zod'
import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { DeliveryViewSchema } from '../../response-schemas.js'
import { JobIdParams } from '../schemas.js'
import { D } from './submit.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const ListJobWebhooksResponse = z.object({ ok: z.literal(true), data: z.array(DeliveryViewSchema) })
export type ListJobWebhooksResponse = z.output<typeof ListJobWebhooksResponse>

/** `GET /v1/jobs/:jobId/webhooks`: the delivery log of one job. */
export function registerListJobWebhooks(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/jobs/:jobId/webhooks',
    dialect: D,
    operationId: 'listJobWebhooks',
    summary: 'Webhook deliveries of a job, each attempt with time, HTTP status, latency and a response snippet',
    params: JobIdParams,
    responses: { 200: { description: 'The deliveries, newest first', schema: ListJobWebhooksResponse } },
    async handler({ params, req }): Promise<ListJobWebhooksResponse> {
      const a = authOf(req)
      if (!(await deps.jobs.get(a.accountId, params.jobId))) throw new AppError('not_found', 'No job with this id.')
      return { ok: true, data: await deps.webhooks.log.forJob(a.accountId, params.jobId) }
    },
  })
}
