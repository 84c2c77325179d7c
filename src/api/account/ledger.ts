import { defineRoute } from '../route.js'
import { LedgerQuery } from './schemas.js'
import { requireSession } from './session-auth.js'
import { accountFor } from './account-scope.js'
import { ledgerPage, type LedgerLine } from '../../accounts/activity.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v)
  // A leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

function toCsv(rows: LedgerLine[]): string {
  const head = 'id,at,kind,amount,jobId,source,reason'
  return [head, ...rows.map((r) => [r.id, new Date(r.at).toISOString(), r.kind, r.amount, r.jobId, r.source, r.reason].map(csvCell).join(','))].join('\n') + '\n'
}

export function registerLedger(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/ledger',
    dialect: 'account',
    summary: 'Ledger entries of an account, newest first (cursor pages); format=csv for a spreadsheet (the page, up to limit)',
    query: LedgerQuery,
    preHandler: requireSession(deps),
    async handler({ query, req }, reply) {
      const accountId = await accountFor(deps, req, query.accountId)
      const page = await ledgerPage(deps.store.db, accountId, query)
      if (query.format !== 'csv') return page
      if (page.nextCursor) void reply.header('x-next-cursor', page.nextCursor)
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="ledger-${accountId}.csv"`).send(toCsv(page.data))
    },
  })
}
