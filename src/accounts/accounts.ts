import { AppError } from '../errors.js'
import { displayPrefix, hashApiKey, isWellFormedApiKey, newApiKey, newId } from '../domain/ids.js'
import { ledger } from '../ledger/ledger.js'
import { DEFAULT_MAX_BALANCE } from '../domain/credits.js'
import type { Clock } from '../domain/clock.js'
import { prepareKeyByHash } from '../store/key-by-hash.js'
import type { Store } from '../store/db.js'
import type { AccountsTable, ApiKeysTable } from '../store/schema.js'

export const MAX_ACTIVE_KEYS = 10

export interface AuthContext {
  accountId: string
  accountName: string
  apiKeyId: string
  plan: string
  /** The account's default region for new jobs (`reelay accounts region`); null: the node's. */
  region?: string | null | undefined
}

export type Account = AccountsTable
export type ApiKeyInfo = Omit<ApiKeysTable, 'hash'> & { accountName: string }

/** How long a resolved key is trusted without asking the database again. */
export const AUTH_CACHE_MS = 2_000
const AUTH_CACHE_MAX = 10_000
const LAST_USED_EVERY_MS = 60_000
/** `meta` row holding the last revoked key id on SQLite: a change means "drop cached keys". */
const REVOKED_MARKER = 'keys:last-revoked'

export interface AccountsOptions {
  /** Told after a revocation commits (e.g. to publish it on Redis); must not throw. */
  onRevoked?: (keyId: string) => Promise<void>
  /** Largest balance an account may hold (REELAY_MAX_BALANCE); grants past it are refused. */
  maxBalance?: number
}

/** Accounts, API keys and top-ups: shared by the CLI and the API. */
export function createAccounts(store: Store, clock: Clock, opts: AccountsOptions = {}) {
  const { db } = store
  const keyByHash = prepareKeyByHash(store)
  const maxBalance = opts.maxBalance ?? DEFAULT_MAX_BALANCE
  // Status polls dominate traffic; caching the key lookup briefly removes a query from each.
  // A revocation evicts the key here at once, and reaches other processes by PostgreSQL NOTIFY
  // (sent in the revoking transaction) or Redis. Processes sharing one SQLite file (the CLI
  // beside a server, two servers) see it through `revocationsSeen` on the next request.
  const authCache = new Map<string, { ctx: AuthContext; until: number }>()

  // Bumped by every eviction: a lookup that started before one must not cache what it read.
  let evictions = 0
  function evictKey(keyId: string): void {
    evictions++
    for (const [hash, v] of authCache) if (v.ctx.apiKeyId === keyId) authCache.delete(hash)
  }

  // SQLite: `data_version` changes when another connection (process) commits; it is read from
  // shared memory, no disk. Only then is the revocation marker read, and only a new marker
  // empties the cache, so two servers on one file keep their caches between revocations.
  let dataVersion: number | null = null
  let marker: string | undefined
  async function revocationsSeen(): Promise<void> {
    if (!store.dataVersion) return
    const v = store.dataVersion()
    if (v === dataVersion) return
    dataVersion = v
    const row = await db.selectFrom('meta').select('value').where('key', '=', REVOKED_MARKER).executeTakeFirst()
    if (row?.value === marker) return
    marker = row?.value
    evictions++
    authCache.clear()
  }

  // `last_used_at` for the dashboard, written at most once a minute per key and never waited
  // for: a lost update only makes the figure a minute older.
  const touched = new Map<string, number>()
  function touch(keyId: string, now: number): void {
    if (now - (touched.get(keyId) ?? -Infinity) < LAST_USED_EVERY_MS) return
    if (touched.size >= AUTH_CACHE_MAX) touched.clear()
    touched.set(keyId, now)
    void db.updateTable('apiKeys').set({ lastUsedAt: now }).where('id', '=', keyId).execute().catch(() => undefined)
  }

  async function byName(name: string): Promise<Account> {
    const a = await db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst()
    if (!a) throw new AppError('not_found', `No account named ${name}`)
    return a
  }

  function checkAmount(amount: number): void {
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > maxBalance) {
      throw new AppError('invalid_request', `Credits must be a whole number from 1 to ${maxBalance} (the maximum balance)`, { field: 'credits' })
    }
  }

  /** Grants inside the caller's transaction; refuses, writing nothing, past the maximum balance. */
  async function grantIn(trx: typeof db, account: { id: string; name: string }, amount: number, note: string | null): Promise<void> {
    if (await ledger.grant(trx, account.id, amount, note, clock.now(), maxBalance)) return
    const f = await ledger.figures(trx, account.id)
    throw new AppError(
      'invalid_request',
      `Granting ${amount} credits would take the balance of ${account.name} from ${f?.balance ?? 0} past the maximum balance of ${maxBalance} (REELAY_MAX_BALANCE); nothing was granted`,
      { field: 'credits' },
    )
  }

  return {
    byName,

    async create(name: string, plan: string, credits = 0): Promise<Account> {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
        throw new AppError('invalid_request', 'Account names are 1–64 letters, digits, dots, dashes or underscores', { field: 'name' })
      }
      if (credits !== 0) checkAmount(credits)
      const now = clock.now()
      const id = newId('acct', now)
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('accounts').values({ id, name, plan, balance: 0, reserved: 0, createdAt: now }).execute()
          if (credits > 0) await grantIn(trx, { id, name }, credits, 'initial credits')
        })
      } catch (err) {
        if (store.adapter.isUniqueViolation(err)) {
          throw new AppError('invalid_request', `An account named ${name} already exists`, { field: 'name' })
        }
        throw err
      }
      return byName(name)
    },

    list(): Promise<Account[]> {
      return db.selectFrom('accounts').selectAll().orderBy('createdAt').execute()
    },

    async setPlan(name: string, plan: string): Promise<void> {
      const a = await byName(name)
      await db.updateTable('accounts').set({ plan }).where('id', '=', a.id).execute()
    },

    async grant(name: string, amount: number, note: string | null = null): Promise<Account> {
      checkAmount(amount)
      const a = await byName(name)
      await db.transaction().execute((trx) => grantIn(trx, a, amount, note))
      return byName(name)
    },

    /** Creates a key and returns it in full: the only time it is ever shown. */
    async createKey(accountName: string, label: string | null): Promise<{ key: string; info: ApiKeyInfo }> {
      const a = await byName(accountName)
      const key = newApiKey()
      const now = clock.now()
      const row = { id: newId('key', now), accountId: a.id, name: label, prefix: displayPrefix(key), hash: hashApiKey(key), createdAt: now, revokedAt: null }
      await db.transaction().execute(async (trx) => {
        const active = await trx
          .selectFrom('apiKeys')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('accountId', '=', a.id)
          .where('revokedAt', 'is', null)
          .executeTakeFirstOrThrow()
        if (Number(active.n) >= MAX_ACTIVE_KEYS) {
          throw new AppError('too_many_keys', `Account ${a.name} already has ${MAX_ACTIVE_KEYS} active keys; revoke one first`)
        }
        await trx.insertInto('apiKeys').values(row).execute()
      })
      const { hash: _hash, ...info } = row
      return { key, info: { ...info, accountName: a.name } }
    },

    async listKeys(accountName?: string): Promise<ApiKeyInfo[]> {
      let q = db
        .selectFrom('apiKeys')
        .innerJoin('accounts', 'accounts.id', 'apiKeys.accountId')
        .select(['apiKeys.id', 'apiKeys.accountId', 'apiKeys.name', 'apiKeys.prefix', 'apiKeys.createdAt', 'apiKeys.revokedAt', 'accounts.name as accountName'])
        .orderBy('apiKeys.createdAt')
      if (accountName) q = q.where('accounts.name', '=', accountName)
      return q.execute()
    },

    async revokeKey(id: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('apiKeys').set({ revokedAt: clock.now() }).where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst()
        if (Number(res.numUpdatedRows) !== 1) throw new AppError('not_found', `No active key with id ${id}`)
        // Delivered to every listening process when (and only if) the revocation commits.
        const notified = await store.adapter.notify(trx, 'reelay_keys', id)
        if (!notified) await trx.insertInto('meta').values({ key: REVOKED_MARKER, value: id }).onConflict((oc) => oc.column('key').doUpdateSet({ value: id })).execute()
      })
      evictKey(id)
      await opts.onRevoked?.(id)
    },

    /** Forgets a cached key (a revocation made by another process). */
    evictKey,

    /** Forgets every cached key of an account (it was disabled here). */
    evictAccount(accountId: string): void {
      evictions++
      for (const [hash, v] of authCache) if (v.ctx.accountId === accountId) authCache.delete(hash)
    },

    /** Resolves a bearer token; null for anything that is not an active key. */
    async authenticate(token: string): Promise<AuthContext | null> {
      const hash = hashApiKey(token)
      const now = clock.now()
      const hit = authCache.get(hash)
      if (hit && hit.until > now) {
        await revocationsSeen()
        if (authCache.get(hash) === hit) return hit.ctx
      }
      if (!isWellFormedApiKey(token)) return null
      const seen = evictions
      const row = await keyByHash(hash)
      if (!row) {
        authCache.delete(hash)
        return null
      }
      touch(row.apiKeyId, now)
      if (seen !== evictions) return row
      if (authCache.size >= AUTH_CACHE_MAX) authCache.delete(authCache.keys().next().value as string)
      authCache.set(hash, { ctx: row, until: now + AUTH_CACHE_MS })
      return row
    },
  }
}

export type Accounts = ReturnType<typeof createAccounts>
