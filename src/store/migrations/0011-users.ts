import type { Kysely } from 'kysely'

// People and what they may do: users (email + scrypt hash), browser and operator sessions (only
// a hash of the token is stored), memberships of accounts (a personal account per user, team
// accounts shared by members), invites and password-reset links (hashes only), failed-login
// counters, and the operator audit log.
export async function up(db: Kysely<unknown>): Promise<void> {
  // `kind`: personal (one user's balance), team (a shared pool) or service (made by an operator
  // for API use alone, like every account before users existed).
  await db.schema
    .alterTable('accounts')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('service'))
    .execute()
  await db.schema.alterTable('accounts').addColumn('display_name', 'text').execute()
  await db.schema.alterTable('accounts').addColumn('disabled_at', 'bigint').execute()
  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'bigint').execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('personal_account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('disabled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('account_members')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_members_pk', ['account_id', 'user_id'])
    .execute()
  await db.schema.createIndex('account_members_user').on('account_members').column('user_id').execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // browser (cookie + CSRF) or api (bearer token for the operator CLI's remote mode).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute()
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute()

  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    // null: an invitation to sign up; else to join this team account with `role`.
    .addColumn('account_id', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .execute()
  await db.schema.createIndex('invites_account').on('invites').column('account_id').execute()

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute()

  // Failed sign-ins per email in the current window, shared by every API process.
  await db.schema
    .createTable('login_failures')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute()

  // Jobs by account and time for the dashboard's usage charts.
  await db.schema.createIndex('jobs_account_created').on('jobs').columns(['account_id', 'created_at']).execute()
}
