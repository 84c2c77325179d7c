import { defineRoute } from '../route.js'
import { requireAdmin } from '../account/session-auth.js'
import { countActiveOnChannel } from '../../store/jobs/index.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerChannelsList(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/channels',
    dialect: 'admin',
    summary: "Upstream channels: health and circuit breaker (this process's view), jobs in flight and capacity",
    preHandler: requireAdmin(deps),
    async handler() {
      const breakers = new Map(deps.channels.breakerStates().map((b) => [b.channel, b.state]))
      // Without a channels file every model runs on the built-in studio renderer.
      const list =
        deps.channels.list.length > 0
          ? deps.channels.list.map((c) => ({ name: c.id, provider: c.provider, region: c.region ?? null, capacity: c.maxConcurrent }))
          : [{ name: 'studio', provider: 'studio', region: null, capacity: null }]
      return Promise.all(
        list.map(async (c) => {
          const breaker = breakers.get(c.name) ?? 'closed'
          return { ...c, healthy: breaker !== 'open', breaker, inFlight: await countActiveOnChannel(deps.store.db, c.name) }
        }),
      )
    },
  })
}
