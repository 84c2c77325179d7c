import { z } from 'zod'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { D } from './create-task.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const GetCreditsResponse = z.object({ credits: z.number().int().describe('The balance'), availableCredits: z.number().int().describe('The balance less what unfinished tasks hold') })
export type GetCreditsResponse = z.output<typeof GetCreditsResponse>

/** `GET /api/v1/account/credits`. */
export function registerGetCredits(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/credits',
    dialect: D,
    operationId: 'getCredits',
    summary: 'Credit balance and credits available for new tasks',
    responses: { 200: { description: 'The balance', schema: GetCreditsResponse } },
    async handler({ req }): Promise<GetCreditsResponse> {
      const u = await deps.jobs.usage(authOf(req))
      return { credits: u.balance, availableCredits: u.available }
    },
  })
}
