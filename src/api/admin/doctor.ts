import { defineRoute } from '../route.js'
import { requireAdmin } from '../account/session-auth.js'
import { findLedgerMismatches } from '../../ledger/doctor.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerDoctor(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/doctor',
    dialect: 'admin',
    summary: 'Check that every account balance agrees with its ledger (exact 64-bit figures as strings)',
    preHandler: requireAdmin(deps),
    async handler() {
      const problems = await findLedgerMismatches(deps.store.db)
      return { ok: problems.length === 0, problems }
    },
  })
}
