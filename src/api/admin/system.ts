import { defineRoute } from '../route.js'
import { requireAdmin } from '../account/session-auth.js'
import { VERSION } from '../app.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Config } from '../../config.js'

const SECRET_NAME = /SECRET|TOKEN|PASSWORD|_KEY(_|$)/

/** The configuration without secrets: secret settings say only whether they are set; URLs lose credentials. */
export function publicConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config)) {
    if (SECRET_NAME.test(k)) out[k] = v === undefined ? null : '[set]'
    else if (typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(v)) out[k] = v.replace(/\/\/[^/]*@/, '//[credentials]@')
    else out[k] = v ?? null
  }
  return out
}

export function registerSystem(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/system',
    dialect: 'admin',
    summary: 'Version, database and the configuration summary (no secrets)',
    preHandler: requireAdmin(deps),
    handler: async () => ({ version: VERSION, database: deps.store.caps.dialect, config: publicConfig(deps.config) }),
  })
}
