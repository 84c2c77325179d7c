import { z } from 'zod'
import { AppError } from '../../errors.js'
import { defineRoute } from '../route.js'
import { requireAdmin, requireSession, sessionOf } from '../account/session-auth.js'
import { setLowBalanceThreshold } from '../../billing/account-state.js'
import { codesCsv } from '../../billing/redeem.js'
import { quoteSubmit } from './quote.js'
import { CheckoutResponse, CsvText, LowBalanceResponse, QuoteResponse, RedeemBatchResponse, RedeemResponse } from './schemas.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { AuthContext } from '../../accounts/accounts.js'
import type { Billing } from '../../billing/index.js'
import type { MemberRole } from '../../store/schema.js'

const D = 'billing'
const accountId = z.string().min(1).max(100)
const MANAGERS: readonly MemberRole[] = ['owner', 'admin']

export const AccountQuoteBody = z.strictObject({ accountId, for: z.string().max(200), request: z.record(z.string(), z.unknown()) })
export const AccountRedeemBody = z.strictObject({ accountId, code: z.string().min(1).max(100) })
export const CheckoutBody = z.strictObject({ accountId, packId: z.string().min(1).max(32) })
export const SubscribeBody = z.strictObject({ accountId, planId: z.string().min(1).max(64) })
export const LowBalanceBody = z.strictObject({ threshold: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable() })
export const RedeemBatchBody = z.strictObject({
  credits: z.number().int().min(1),
  count: z.number().int().min(1).max(10_000),
  expiresAt: z.number().int().positive().nullable().optional().describe('Unix milliseconds'),
  onePerAccount: z.boolean().optional(),
  note: z.string().max(200).optional(),
})

/** The account a session acts for, checked against the user's memberships (404 for anyone else's). */
async function actingFor(deps: AppDeps, req: FastifyRequest, id: string, roles?: readonly MemberRole[]): Promise<AuthContext> {
  await deps.people.teams.requireRole(sessionOf(req).user.id, id, roles)
  const a = await deps.store.db.selectFrom('accounts').select(['id', 'name', 'plan']).where('id', '=', id).executeTakeFirst()
  if (!a) throw new AppError('not_found', 'No account with this id among yours.', { field: 'accountId' })
  return { accountId: a.id, accountName: a.name, apiKeyId: '', plan: a.plan }
}

/** The dashboard's billing calls (`/account/v1`) and the operator's redeem batches (`/admin/v1`). */
export function registerSessionBillingRoutes(app: FastifyInstance, deps: AppDeps, billing: Billing): void {
  const session = requireSession(deps)
  // Balances, codes and checkout links are never cached.
  app.addHook('onSend', async (_req, reply) => void reply.header('cache-control', 'no-store'))

  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/quote',
    dialect: D,
    operationId: 'createAccountQuote',
    responses: { 200: { description: 'The price and its breakdown', schema: QuoteResponse } },
    summary: 'Quote a submit body for one of your accounts (same answer as POST /v1/quote)',
    body: AccountQuoteBody,
    preHandler: session,
    async handler({ body, req }) {
      return quoteSubmit(deps, await actingFor(deps, req, body.accountId), { for: body.for }, body.request)
    },
  })

  defineRoute(app, {
    method: 'POST',
    url: '/account/v1/redeem',
    dialect: D,
    operationId: 'redeemAccountCode',
    summary: 'Redeem a code onto your personal account or a team',
    body: AccountRedeemBody,
    responses: { 200: { description: 'Credited', schema: RedeemResponse }, 409: 'code_not_redeemable' },
    preHandler: session,
    async handler({ body, req }) {
      const auth = await actingFor(deps, req, body.accountId)
      const r = await billing.redeem.redeem(auth.accountId, body.code)
      return { credited: r.credited, balance: r.balance }
    },
  })

  // Checkout pages are for those who manage the account: its owner, or a team's owner or admin.
  const checkouts = [
    {
      url: '/account/v1/checkout',
      operationId: 'createCheckout',
      summary: 'A Stripe Checkout page for a pack; credits arrive with the signed webhook, not the redirect',
      body: CheckoutBody,
      page: (id: string, b: { packId?: string; planId?: string }) => billing.checkout.pack(id, b.packId!),
    },
    {
      url: '/account/v1/subscribe',
      operationId: 'createSubscription',
      summary: 'A Stripe Checkout page for a monthly plan',
      body: SubscribeBody,
      page: (id: string, b: { packId?: string; planId?: string }) => billing.checkout.plan(id, b.planId!),
    },
  ]
  for (const c of checkouts) {
    defineRoute(app, {
      method: 'POST',
      url: c.url,
      dialect: D,
      operationId: c.operationId,
      summary: c.summary,
      body: c.body,
      responses: { 200: { description: 'Send the customer here', schema: CheckoutResponse }, 503: 'card payments are not set up' },
      preHandler: session,
      async handler({ body, req }) {
        const auth = await actingFor(deps, req, body.accountId, MANAGERS)
        return { url: (await c.page(auth.accountId, body)).url }
      },
    })
  }

  defineRoute(app, {
    method: 'PUT',
    url: '/account/v1/accounts/:accountId/low-balance',
    dialect: D,
    operationId: 'setLowBalanceThreshold',
    responses: { 200: { description: 'The new threshold', schema: LowBalanceResponse } },
    summary: 'Available credits below which `balance.low` is sent once (null: never)',
    params: z.object({ accountId }),
    body: LowBalanceBody,
    preHandler: session,
    async handler({ params, body, req }) {
      const auth = await actingFor(deps, req, params.accountId, MANAGERS)
      await setLowBalanceThreshold(deps.store.db, auth.accountId, body.threshold, deps.clock.now())
      return { accountId: auth.accountId, lowBalanceThreshold: body.threshold }
    },
  })

  const admin = requireAdmin(deps)
  defineRoute(app, {
    method: 'POST',
    url: '/admin/v1/redeem-batches',
    dialect: D,
    operationId: 'createRedeemBatch',
    summary: 'Create a batch of redeem codes; the codes are in this answer only',
    body: RedeemBatchBody,
    responses: { 201: { description: 'The batch and its codes (this once)', schema: RedeemBatchResponse } },
    preHandler: admin,
    async handler({ body, req }, reply) {
      const created = await billing.redeem.createBatch(body)
      await deps.people.audit.record(deps.store.db, sessionOf(req).user.id, 'redeem_batch.created', created.batch.id, {
        credits: body.credits,
        count: body.count,
        expiresAt: body.expiresAt ?? null,
        onePerAccount: Boolean(body.onePerAccount),
      })
      const b = created.batch
      return reply.status(201).send({ id: b.id, credits: b.credits, count: b.count, expiresAt: b.expiresAt, onePerAccount: Boolean(b.onePerAccount), codes: created.codes, csv: codesCsv(created) })
    },
  })

  defineRoute(app, {
    method: 'GET',
    url: '/admin/v1/redeem-batches/:id.csv',
    dialect: D,
    operationId: 'getRedeemBatchCsv',
    summary: "A batch's codes by their first group, with who redeemed each and when (CSV)",
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: { 200: { description: 'One line per code', schema: CsvText, contentType: 'text/csv' } },
    preHandler: admin,
    async handler({ params }, reply) {
      const csv = await billing.redeem.statusCsv(params.id)
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${params.id}.csv"`).send(csv)
    },
  })
}
