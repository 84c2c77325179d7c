import { z } from 'zod'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { DeliveryViewSchema } from '../../response-schemas.js'
import { JobIdParams } from '../schemas.js'
import { D } from './submit.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const RedeliverResponse = z.object({ ok: z.literal(true), delivery: DeliveryViewSchema })
export type RedeliverResponse = z.output<typeof RedeliverResponse>

/** `POST /v1/jobs/:jobId/webhook/redeliver`. */
export function registerRedeliverJobWebhook(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/jobs/:jobId/webhook/redeliver',
    dialect: D,
    operationId: 'redeliverJobWebhook',
    summary: "Send a finished job's webhook again (same webhook-id)",
    params: JobIdParams,
    responses: { 202: { description: 'Queued', schema: RedeliverResponse } },
    async handler({ params, req }, reply) {
      const delivery = await deps.webhooks.log.redeliver(authOf(req).accountId, params.jobId)
      return reply.status(202).send({ ok: true, delivery } satisfies RedeliverResponse)
    },
  })
}
