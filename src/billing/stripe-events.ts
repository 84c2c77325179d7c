import { AppError } from '../errors.js'
import { ledger } from '../ledger/ledger.js'
import { planOf, type PriceBook } from '../catalog/prices.js'
import { updateBillingAccount } from './account-state.js'
import type Stripe from 'stripe'
import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { Database } from '../store/schema.js'
import type { Store } from '../store/db.js'

type Db = Kysely<Database>

export interface StripeEventDeps {
  store: Store
  clock: Clock
  prices: PriceBook
  stripe: Stripe
  webhookSecret: string
  defaultPlan: string
  maxBalance: number
}

/** The fields of Stripe objects we read; typed loosely, since they move between API versions. */
interface Obj {
  id: string
  [k: string]: unknown
}
type Meta = Record<string, string> | null | undefined

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'object' && v !== null && typeof (v as Obj).id === 'string' ? (v as Obj).id : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** How long a refund naming an unknown payment is answered "retry later" rather than ignored. */
const NOT_YET_WINDOW_MS = 6 * 3_600_000

/** An event that names something not here yet (a refund before its payment): Stripe retries it later. */
class NotYet extends AppError {
  constructor(what: string) {
    super('service_unavailable', `Not applied yet: ${what}; Stripe will send it again.`, { retryAfterSec: 60 })
  }
}

/**
 * Applies signed Stripe events to the ledger, each exactly once: the event's id is inserted in
 * the same transaction as its effect, so a resent event finds its row and changes nothing, and
 * an event that fails changes nothing and is retried by Stripe.
 */
export function createStripeEvents(deps: StripeEventDeps) {
  const { db } = deps.store

  /** Verifies the `Stripe-Signature` header over the raw body with the package; 400 on failure. */
  function verify(raw: Buffer, signature: string | undefined): Stripe.Event {
    if (!signature) throw new AppError('invalid_request', 'The `Stripe-Signature` header is missing.', { field: 'Stripe-Signature' })
    try {
      return deps.stripe.webhooks.constructEvent(raw, signature, deps.webhookSecret, 300, undefined, Math.floor(deps.clock.now() / 1000))
    } catch (err) {
      throw new AppError('invalid_request', 'The `Stripe-Signature` does not verify for this body and the configured webhook secret.', { field: 'Stripe-Signature', cause: err })
    }
  }

  async function handle(event: Stripe.Event): Promise<{ outcome: string; duplicate: boolean }> {
    const seen = await db.selectFrom('stripeEvents').select('outcome').where('id', '=', event.id).executeTakeFirst()
    if (seen) return { outcome: seen.outcome, duplicate: true }
    const object = event.data.object as unknown as Obj
    // Calls to Stripe happen before the transaction, so no database lock waits on the network.
    const subscription = await subscriptionFor(event.type, object)
    try {
      return await db.transaction().execute(async (trx) => {
        const now = deps.clock.now()
        const young = now - event.created * 1000 < NOT_YET_WINDOW_MS
        const { outcome, accountId } = await apply(trx, event.type, object, subscription, now, young)
        await trx.insertInto('stripeEvents').values({ id: event.id, type: event.type, accountId, outcome, createdAt: now }).execute()
        return { outcome, duplicate: false }
      })
    } catch (err) {
      // The same event delivered twice at once: the other delivery applied it.
      if (deps.store.adapter.isUniqueViolation(err)) {
        const row = await db.selectFrom('stripeEvents').select('outcome').where('id', '=', event.id).executeTakeFirst()
        if (row) return { outcome: row.outcome, duplicate: true }
      }
      throw err
    }
  }

  /** The subscription an invoice belongs to, as Stripe has it now (its metadata names our account and plan). */
  async function subscriptionFor(type: string, object: Obj): Promise<Obj | null> {
    if (type !== 'invoice.paid') return null
    const parent = object.parent as { subscription_details?: { subscription?: unknown } } | null | undefined
    const id = str(object.subscription) ?? str(parent?.subscription_details?.subscription)
    if (!id) return null
    return (await deps.stripe.subscriptions.retrieve(id)) as unknown as Obj
  }

  async function apply(trx: Db, type: string, o: Obj, sub: Obj | null, now: number, young: boolean): Promise<{ outcome: string; accountId: string | null }> {
    switch (type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return o.mode === 'subscription' ? subscriptionCheckout(trx, o, now) : packPaid(trx, o, now)
      case 'invoice.paid':
        return invoicePaid(trx, o, sub, now)
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return subscriptionChanged(trx, o, type === 'customer.subscription.deleted', now)
      case 'charge.refunded':
        return takeBack(trx, str(o.payment_intent), refundedShare(o), 'refund', `stripe:refund:${o.id}`, now, young)
      case 'charge.dispute.created':
        return takeBack(trx, str(o.payment_intent), num(o.amount), 'dispute', `stripe:dispute:${o.id}`, now, young)
      default:
        return { outcome: 'ignored', accountId: null }
    }
  }

  async function accountExists(trx: Db, id: string | null | undefined): Promise<string | null> {
    if (!id) return null
    const row = await trx.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst()
    return row?.id ?? null
  }

  async function packPaid(trx: Db, o: Obj, now: number): Promise<{ outcome: string; accountId: string | null }> {
    if (o.payment_status !== 'paid') return { outcome: 'awaiting_payment', accountId: null }
    const meta = o.metadata as Meta
    const accountId = await accountExists(trx, meta?.accountId)
    const credits = Number(meta?.credits)
    const paymentIntent = str(o.payment_intent) ?? `cs:${o.id}`
    if (!accountId || !Number.isSafeInteger(credits) || credits <= 0) return { outcome: 'not_ours', accountId: null }
    // One grant per checkout session, whatever the event's id (completed, then async success).
    const already = await trx.selectFrom('billingPurchases').select('paymentIntent').where('checkoutSession', '=', o.id).executeTakeFirst()
    if (already) return { outcome: 'already_granted', accountId }
    await trx
      .insertInto('billingPurchases')
      .values({
        paymentIntent,
        checkoutSession: o.id,
        accountId,
        packId: meta?.packId ?? '',
        credits,
        amount: num(o.amount_total) ?? 0,
        currency: String(o.currency ?? ''),
        debited: 0,
        createdAt: now,
      })
      .execute()
    if (!(await ledger.grant(trx, accountId, credits, `stripe:checkout:${o.id}`, now, deps.maxBalance))) {
      throw new AppError('service_unavailable', 'The account is at its maximum balance; the operator must look at this payment.')
    }
    return { outcome: `granted ${credits}`, accountId }
  }

  async function subscriptionCheckout(trx: Db, o: Obj, now: number): Promise<{ outcome: string; accountId: string | null }> {
    const meta = o.metadata as Meta
    const accountId = await accountExists(trx, meta?.accountId)
    const id = str(o.subscription)
    if (!accountId || !id || !meta?.planId) return { outcome: 'not_ours', accountId: null }
    // Recorded only; invoice.paid grants the credits and sets the plan, whichever comes first.
    await trx
      .insertInto('billingSubscriptions')
      .values({ id, accountId, planId: meta.planId, status: 'incomplete', currentPeriodEnd: null, endedAt: null, updatedAt: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    return { outcome: 'subscription recorded', accountId }
  }

  async function invoicePaid(trx: Db, o: Obj, sub: Obj | null, now: number): Promise<{ outcome: string; accountId: string | null }> {
    if (!sub) return { outcome: 'not_a_subscription', accountId: null }
    const meta = sub.metadata as Meta
    const accountId = await accountExists(trx, meta?.accountId)
    const planId = meta?.planId
    if (!accountId || !planId || !deps.prices.plans[planId]) return { outcome: 'not_ours', accountId: null }
    const plan = planOf(deps.prices, planId)
    const ended = await isEnded(trx, sub)
    await trx
      .insertInto('billingSubscriptions')
      .values({ id: sub.id, accountId, planId, status: String(sub.status ?? 'active'), currentPeriodEnd: periodEnd(sub), endedAt: ended ? now : null, updatedAt: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ status: String(sub.status ?? 'active'), currentPeriodEnd: periodEnd(sub), updatedAt: now }))
      .execute()
    const granted = await trx.selectFrom('billingInvoices').select('id').where('id', '=', o.id).executeTakeFirst()
    let outcome = 'already_granted'
    if (!granted) {
      await trx.insertInto('billingInvoices').values({ id: o.id, accountId, subscriptionId: sub.id, credits: plan.monthlyCredits, createdAt: now }).execute()
      if (plan.monthlyCredits > 0 && !(await ledger.grant(trx, accountId, plan.monthlyCredits, `stripe:invoice:${o.id}`, now, deps.maxBalance))) {
        throw new AppError('service_unavailable', 'The account is at its maximum balance; the operator must look at this invoice.')
      }
      outcome = `granted ${plan.monthlyCredits}`
    }
    // A subscription that already ended (its deletion arrived first) does not set the plan again.
    if (!ended) await trx.updateTable('accounts').set({ plan: planId }).where('id', '=', accountId).execute()
    return { outcome: ended ? `${outcome}; subscription already ended` : `${outcome}; plan ${planId}`, accountId }
  }

  async function isEnded(trx: Db, sub: Obj): Promise<boolean> {
    if (['canceled', 'incomplete_expired', 'unpaid'].includes(String(sub.status))) return true
    const row = await trx.selectFrom('billingSubscriptions').select('endedAt').where('id', '=', sub.id).executeTakeFirst()
    return row?.endedAt != null
  }

  /**
   * Cancellation or failed payment: Stripe ends the subscription at the period's end (or after
   * its payment retries), and only then does the account go back to the default plan.
   */
  async function subscriptionChanged(trx: Db, o: Obj, deleted: boolean, now: number): Promise<{ outcome: string; accountId: string | null }> {
    const meta = o.metadata as Meta
    const row = await trx.selectFrom('billingSubscriptions').selectAll().where('id', '=', o.id).executeTakeFirst()
    const accountId = row?.accountId ?? (await accountExists(trx, meta?.accountId))
    const planId = row?.planId ?? meta?.planId
    if (!accountId || !planId) return { outcome: 'not_ours', accountId: null }
    const status = deleted ? 'canceled' : String(o.status ?? 'active')
    const ended = deleted || ['canceled', 'incomplete_expired', 'unpaid'].includes(status)
    await trx
      .insertInto('billingSubscriptions')
      .values({ id: o.id, accountId, planId, status, currentPeriodEnd: periodEnd(o), endedAt: ended ? now : null, updatedAt: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ status, currentPeriodEnd: periodEnd(o), ...(ended ? { endedAt: now } : {}), updatedAt: now }))
      .execute()
    if (!ended) return { outcome: `subscription ${status}`, accountId }
    const other = await trx
      .selectFrom('billingSubscriptions')
      .select('id')
      .where('accountId', '=', accountId)
      .where('planId', '=', planId)
      .where('id', '!=', o.id)
      .where('endedAt', 'is', null)
      .executeTakeFirst()
    if (!other) await trx.updateTable('accounts').set({ plan: deps.defaultPlan }).where('id', '=', accountId).where('plan', '=', planId).execute()
    return { outcome: `subscription ended; plan ${other ? planId : deps.defaultPlan}`, accountId }
  }

  /**
   * A refund or dispute of a pack takes back its share of the credits, once in total however
   * many events report it (each carries the cumulative amount). Spent credits may take the
   * balance below zero, by at most this; the account is then flagged until it is settled.
   */
  async function takeBack(
    trx: Db,
    paymentIntent: string | null,
    amount: number | null,
    kind: 'refund' | 'dispute',
    note: string,
    now: number,
    young: boolean,
  ): Promise<{ outcome: string; accountId: string | null }> {
    if (!paymentIntent || amount === null) return { outcome: 'not_ours', accountId: null }
    const p = await trx.selectFrom('billingPurchases').selectAll().where('paymentIntent', '=', paymentIntent).executeTakeFirst()
    if (!p) {
      // Its checkout event may not have arrived yet: refused (Stripe resends it) while the event
      // is young; past that it is not a pack payment of ours (a subscription's invoice, say).
      if (young) throw new NotYet(`no pack purchase with payment ${paymentIntent}`)
      return { outcome: 'not_a_pack_payment', accountId: null }
    }
    const share = p.amount > 0 ? Math.floor((p.credits * Math.min(amount, p.amount)) / p.amount) : p.credits
    const debit = Math.max(0, share - p.debited)
    if (debit > 0) {
      await trx
        .updateTable('billingPurchases')
        .set({ debited: p.debited + debit })
        .where('paymentIntent', '=', paymentIntent)
        .execute()
      await ledger.debit(trx, p.accountId, debit, note, now)
    }
    const after = await trx.selectFrom('accounts').select('balance').where('id', '=', p.accountId).executeTakeFirstOrThrow()
    if (kind === 'dispute') await updateBillingAccount(trx, p.accountId, { flag: 'dispute', flaggedAt: now }, now)
    else if (after.balance < 0) {
      const state = await trx.selectFrom('billingAccounts').select('flag').where('accountId', '=', p.accountId).executeTakeFirst()
      if (state?.flag !== 'dispute') await updateBillingAccount(trx, p.accountId, { flag: 'refund', flaggedAt: now }, now)
    }
    return { outcome: `debited ${debit}${after.balance < 0 ? '; balance below zero' : ''}`, accountId: p.accountId }
  }

  return { verify, handle }
}

/** A charge's refunded amount, in its minor unit (cumulative over partial refunds). */
function refundedShare(charge: Obj): number | null {
  return num(charge.amount_refunded)
}

/** `current_period_end` (seconds) moved onto subscription items in newer API versions. */
function periodEnd(sub: Obj): number | null {
  const top = num(sub.current_period_end)
  const item = num((sub.items as { data?: { current_period_end?: unknown }[] } | undefined)?.data?.[0]?.current_period_end)
  const s = top ?? item
  return s === null ? null : s * 1000
}

export type StripeEvents = ReturnType<typeof createStripeEvents>
