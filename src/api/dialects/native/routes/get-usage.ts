import { z } from 'zod'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { Credits, IsoTime } from '../../response-schemas.js'
import { D } from './submit.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const GetUsageResponse = z.object({
  ok: z.literal(true),
  balance: Credits,
  reserved: Credits.describe('Held by unfinished jobs'),
  available: Credits.describe('balance − reserved'),
  plan: z.object({ id: z.string(), name: z.string() }),
  limits: z.object({ requestsPerMinute: z.number().int(), maxActiveJobs: z.number().int(), monthlyCreditQuota: z.number().int().nullable() }),
  usage: z.object({
    periodStart: IsoTime,
    periodEnd: IsoTime,
    creditsUsed: Credits,
    jobs: z.object({ submitted: z.number().int(), active: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
  }),
})
export type GetUsageResponse = z.output<typeof GetUsageResponse>

/** `GET /v1/usage`. */
export function registerGetUsage(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/usage',
    dialect: D,
    operationId: 'getUsage',
    summary: 'Balance, reserved and available credits, plan, limits and usage this period',
    responses: { 200: { description: 'Credits, plan and usage', schema: GetUsageResponse } },
    async handler({ req }): Promise<GetUsageResponse> {
      const u = await deps.jobs.usage(authOf(req))
      return {
        ok: true,
        balance: u.balance,
        reserved: u.reserved,
        available: u.available,
        plan: { id: u.plan.id, name: u.plan.name },
        limits: { requestsPerMinute: u.plan.requestsPerMinute, maxActiveJobs: u.plan.maxActiveJobs, monthlyCreditQuota: u.plan.monthlyCreditQuota },
        usage: {
          periodStart: new Date(u.period.start).toISOString(),
          periodEnd: new Date(u.period.end).toISOString(),
          creditsUsed: u.creditsUsed,
          jobs: u.jobs,
        },
      }
    },
  })
}
