import { z } from 'zod'
import { AppError } from '../../../errors.js'
import { authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { JobIdParams } from './schemas.js'
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify'
import type { AppDeps } from '../../deps.js'

const PutWebhookBody = z.object({
  url: z.string().max(4096).nullable().optional().describe('Default webhook URL of this API key; null removes it'),
  rotateSecret: z.boolean().optional().describe('Issue a new secret; the old one keeps signing during the overlap window'),
  progressEvents: z.boolean().optional().describe('Also send job.progress events'),
})

/** `GET/PUT /v1/webhook`, the delivery log and manual redelivery (native dialect). */
export function registerWebhookRoutes(app: FastifyInstance, deps: AppDeps, auth: preHandlerAsyncHookHandler): void {
  const d = 'native'
  const view = async (apiKeyId: string, accountId: string) => {
    const ep = await deps.webhooks.endpoints.ensure(apiKeyId, accountId)
    const overlap = ep.previousSecret && (ep.previousSecretExpiresAt ?? 0) > deps.clock.now()
    return {
      ok: true,
      url: ep.url,
      secret: ep.secret,
      previousSecretExpiresAt: overlap ? new Date(ep.previousSecretExpiresAt!).toISOString() : null,
      progressEvents: Boolean(ep.progressEvents),
      disabled: ep.disabledAt ? { at: new Date(ep.disabledAt).toISOString(), reason: ep.disabledReason } : null,
      deliveries: await deps.webhooks.log.forKey(accountId, apiKeyId),
    }
  }

  defineRoute(app, {
    method: 'GET',
    url: '/v1/webhook',
    dialect: d,
    summary: "This API key's default webhook: URL, signing secret and the last deliveries",
    preHandler: auth,
    async handler({ req }) {
      const a = authOf(req)
      return view(a.apiKeyId, a.accountId)
    },
  })

  defineRoute(app, {
    method: 'PUT',
    url: '/v1/webhook',
    dialect: d,
    summary: "Set this API key's default webhook URL, rotate its secret, opt into progress events",
    body: PutWebhookBody,
    preHandler: auth,
    async handler({ body, req }) {
      const a = authOf(req)
      if (body.url) {
        const broken = deps.jobs.checkUrl(body.url)
        if (broken) throw new AppError('invalid_request', `\`url\` ${broken}`, { field: 'url' })
      }
      await deps.webhooks.endpoints.update(a.apiKeyId, a.accountId, body)
      return view(a.apiKeyId, a.accountId)
    },
  })

  defineRoute(app, {
    method: 'GET',
    url: '/v1/jobs/:jobId/webhooks',
    dialect: d,
    summary: 'Webhook deliveries of a job, each attempt with time, HTTP status, latency and a response snippet',
    params: JobIdParams,
    preHandler: auth,
    async handler({ params, req }) {
      const a = authOf(req)
      if (!(await deps.jobs.get(a.accountId, params.jobId))) throw new AppError('not_found', 'No job with this id.')
      return { ok: true, data: await deps.webhooks.log.forJob(a.accountId, params.jobId) }
    },
  })

  defineRoute(app, {
    method: 'POST',
    url: '/v1/jobs/:jobId/webhook/redeliver',
    dialect: d,
    summary: "Send a finished job's webhook again (same webhook-id)",
    params: JobIdParams,
    responses: { 202: 'Queued' },
    preHandler: auth,
    async handler({ params, req }, reply) {
      const delivery = await deps.webhooks.log.redeliver(authOf(req).accountId, params.jobId)
      return reply.status(202).send({ ok: true, delivery })
    },
  })
}
