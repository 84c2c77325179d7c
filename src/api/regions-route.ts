import { authenticate, authOf } from './plugins/auth.js'
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

type RegionStatus = 'healthy' | 'degraded' | 'down'

function statusOf(r: RegionHealth): RegionStatus {
  if (r.healthyChannels === r.channels) return 'healthy'
  return r.healthyChannels === 0 ? 'down' : 'degraded'
}

/**
 * `GET /v1/regions`: where jobs can run and how healthy each region is, so a client can pick a
 * `region` or see why its jobs ran elsewhere. Channel names stay private: only counts are shown.
 */
export function registerRegionsRoute(app: FastifyInstance, deps: AppDeps): void {
  const view = deps.regions
  defineRoute(app, {
    method: 'GET',
    url: '/v1/regions',
    dialect: 'native',
    summary: 'Regions with their health; `node` is the region of the server that answered',
    preHandler: authenticate(deps),
    async handler({ req }) {
      const node = view?.node ?? null
      const accountDefault = authOf(req).region ?? null
      const data = (view?.list() ?? []).map((r) => ({
        id: r.region,
        object: 'region' as const,
        status: statusOf(r),
        channels: r.channels,
        healthyChannels: r.healthyChannels,
      }))
      // Where a job sent here without a `region` goes first.
      return { ok: true, object: 'list' as const, node, accountDefault, defaultForRequests: accountDefault ?? node, data }
    },
  })
}
