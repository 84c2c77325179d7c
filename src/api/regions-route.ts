import { z } from 'zod'
import { authOf } from './plugins/auth.js'
import { defineRoute } from './route.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from './deps.js'
import type { RegionHealth } from '../providers/router.js'

export interface RegionsView {
  /** This node's region (REELAY_REGION), or null. */
  node: string | null
  /** The regions the channels name, with their health as this process sees it. */
  list(): RegionHealth[]
}

const RegionStatus = z.enum(['healthy', 'degraded', 'down'])

export const ListRegionsResponse = z.object({
  ok: z.literal(true),
  object: z.literal('list'),
  /** The region of the node that answered. */
  node: z.string().nullable(),
  accountDefault: z.string().nullable(),
  /** Where a job sent here without a `region` goes first. */
  defaultForRequests: z.string().nullable(),
  data: z.array(z.object({ id: z.string(), object: z.literal('region'), status: RegionStatus, channels: z.number().int(), healthyChannels: z.number().int() })),
})
export type ListRegionsResponse = z.output<typeof ListRegionsResponse>

function statusOf(r: RegionHealth): z.output<typeof RegionStatus> {
  if (r.healthyChannels === r.channels) return 'healthy'
  return r.healthyChannels === 0 ? 'down' : 'degraded'
}

/**
 * `GET /v1/regions` (native dialect): where jobs can run and how healthy each region is, so a
 * client can pick a `region` or see why its jobs ran elsewhere. Channel names stay private:
 * only counts are shown.
 */
export function registerListRegions(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/regions',
    dialect: 'native',
    operationId: 'listRegions',
    summary: 'Regions with their health; `node` is the region of the server that answered',
    responses: { 200: { description: 'Every region a channel names', schema: ListRegionsResponse } },
    async handler({ req }): Promise<ListRegionsResponse> {
      const node = deps.regions?.node ?? null
      const accountDefault = authOf(req).region ?? null
      const data = (deps.regions?.list() ?? []).map((r) => ({ id: r.region, object: 'region' as const, status: statusOf(r), channels: r.channels, healthyChannels: r.healthyChannels }))
      return { ok: true, object: 'list', node, accountDefault, defaultForRequests: accountDefault ?? node, data }
    },
  })
}
