import type { Kysely } from 'kysely'

// Billing: redeem codes (only their hashes), Stripe events applied once, purchases a refund can
// find, subscriptions, and per-account billing state (refund/dispute flag, low-balance notice).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('redeem_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('credits', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('one_per_account', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('redeem_codes')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('redeemed_by', 'text')
    .addColumn('redeemed_at', 'bigint')
    .execute()
  await db.schema.createIndex('redeem_codes_batch').on('redeem_codes').columns(['batch_id', 'prefix']).execute()
  // One redeem per (batch, account) for one-per-account batches: the unique key decides a race.
  await db.schema
    .createTable('redeem_claims')
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('redeem_claims_pk', ['batch_id', 'account_id'])
    .execute()

  // Every Stripe event applied, by its id: a resent event finds its row and changes nothing.
  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  // One row per paid pack, keyed by its PaymentIntent, which refunds and disputes name.
  await db.schema
    .createTable('billing_purchases')
    .addColumn('payment_intent', 'text', (c) => c.primaryKey())
    .addColumn('checkout_session', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('credits', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('debited', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('billing_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_period_end', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('billing_subscriptions_account').on('billing_subscriptions').column('account_id').execute()
  // Invoices whose month of credits was granted: one grant per invoice, whatever the event id.
  await db.schema
    .createTable('billing_invoices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('credits', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('billing_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('stripe_customer', 'text', (c) => c.unique())
    // `refund` (a refund took the balance below zero; settled when it is back at zero) or
    // `dispute` (settled by the operator).
    .addColumn('flag', 'text')
    .addColumn('flagged_at', 'bigint')
    .addColumn('low_balance_threshold', 'bigint')
    // Set when `balance.low` was sent for the current crossing; cleared when available rises above.
    .addColumn('low_balance_sent_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
}
