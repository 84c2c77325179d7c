import { AppError } from '../../errors.js'
import { defineRoute } from '../route.js'
import { KeyParams } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerDeliveryRedeliver(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/webhooks/deliveries/:id/redeliver',
    dialect: 'account',
    summary: "Send a delivery's job event again, with the same webhook-id",
    params: KeyParams,
    responses: { 202: 'Queued' },
    preHandler: requireSession(deps),
    async handler({ params, req }, reply) {
      const { user } = sessionOf(req)
      const d = await deps.store.db.selectFrom('webhookDeliveries').select(['accountId', 'jobId']).where('id', '=', params.id).executeTakeFirst()
      if (!d || !(await deps.people.teams.roleIn(user.id, d.accountId))) throw new AppError('not_found', 'No delivery with this id among your accounts.')
      return reply.status(202).send(await deps.webhooks.log.redeliver(d.accountId, d.jobId))
    },
  })
}
