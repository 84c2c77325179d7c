import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/db.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { coerceError } from '../../src/errors.js'
import { freshPgSchema, TEST_DB } from '../support/harness.js'

const dir = mkdtempSync(path.join(tmpdir(), 'reelay-adapter-'))
let pgSchema: Awaited<ReturnType<typeof freshPgSchema>> | null = null
let store: Store

beforeAll(async () => {
  pgSchema = TEST_DB === 'postgres' ? await freshPgSchema() : null
  store = openStore({ dataDir: dir, databaseUrl: pgSchema?.url, busyTimeoutMs: 20 })
  await migrateToLatest(store.db, store.caps.dialect)
})
afterAll(async () => {
  await store.close()
  await pgSchema?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const account = (id: string, name: string) => ({ id, name, plan: 'default', balance: 0, reserved: 0, createdAt: 0 })
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e)

describe(`store adapter on ${TEST_DB}`, () => {
  it('knows a unique index and a primary key refusal by the driver code, and nothing else as one', async () => {
    await store.db.insertInto('accounts').values(account('acct_a', 'same')).execute()
    const byUnique = await failure(store.db.insertInto('accounts').values(account('acct_b', 'same')).execute())
    const byPrimaryKey = await failure(store.db.insertInto('accounts').values(account('acct_a', 'other')).execute())
    const notNull = await failure(store.db.insertInto('accounts').values({ ...account('acct_c', 'c'), plan: null as never }).execute())
    expect(store.adapter.isUniqueViolation(byUnique)).toBe(true)
    expect(store.adapter.isUniqueViolation(byPrimaryKey)).toBe(true)
    expect(store.adapter.isUniqueViolation(notNull)).toBe(false)
    expect(store.adapter.isUniqueViolation(new Error('duplicate key value violates unique constraint'))).toBe(false)
    expect(store.adapter.isBusy(byUnique)).toBe(false)
  })

  it.runIf(TEST_DB === 'sqlite')('knows a write lock held past the busy timeout as busy, which the API answers 503 service_busy', async () => {
    const other = new SQLite(path.join(dir, 'reelay.db'))
    other.exec('begin immediate')
    try {
      const busy = await failure(store.db.transaction().execute((trx) => trx.insertInto('accounts').values(account('acct_busy', 'busy')).execute()))
      expect(store.adapter.isBusy(busy)).toBe(true)
      expect(coerceError(busy)).toMatchObject({ code: 'service_busy', status: 503, retryAfterSec: 1 })
    } finally {
      other.exec('rollback')
      other.close()
    }
    expect(await store.db.selectFrom('accounts').select('id').where('id', '=', 'acct_busy').executeTakeFirst()).toBeUndefined()
  })

  it.runIf(TEST_DB === 'postgres')('knows a deadlock as busy, which the API answers 503 service_busy', async () => {
    await store.db.insertInto('accounts').values([account('acct_x', 'x'), account('acct_y', 'y')]).execute()
    const [one, two] = [new pg.Client({ connectionString: pgSchema!.url }), new pg.Client({ connectionString: pgSchema!.url })]
    await Promise.all([one.connect(), two.connect()])
    try {
      const lock = (c: pg.Client, id: string) => c.query('update accounts set balance = balance + 1 where id = $1', [id])
      await Promise.all([one.query('begin'), two.query('begin')])
      await Promise.all([lock(one, 'acct_x'), lock(two, 'acct_y')])
      // Each now waits for the other's row: PostgreSQL breaks the cycle by failing one of them.
      const outcomes = await Promise.all([failure(lock(one, 'acct_y')), failure(lock(two, 'acct_x'))])
      const deadlock = outcomes.find((e) => e !== undefined)
      expect(store.adapter.isBusy(deadlock)).toBe(true)
      expect(coerceError(deadlock)).toMatchObject({ code: 'service_busy', status: 503, retryAfterSec: 1 })
    } finally {
      await Promise.all([one.query('rollback').catch(() => undefined), two.query('rollback').catch(() => undefined)])
      await Promise.all([one.end(), two.end()])
    }
  })

  it('locks an account for the rest of a transaction where writers can race (PostgreSQL), and is a no-op on SQLite', async () => {
    await store.db.insertInto('accounts').values(account('acct_lock', 'lock')).execute()
    if (TEST_DB === 'sqlite') {
      // BEGIN IMMEDIATE is the lock: a second writer waits for the whole transaction anyway.
      await store.db.transaction().execute((trx) => store.adapter.lockAccount(trx, 'acct_lock'))
      return
    }
    const other = new pg.Client({ connectionString: pgSchema!.url })
    await other.connect()
    try {
      await store.db.transaction().execute(async (trx) => {
        await store.adapter.lockAccount(trx, 'acct_lock')
        await other.query('begin')
        await other.query("set local lock_timeout = '50ms'")
        const blocked = await failure(other.query('select id from accounts where id = $1 for update', ['acct_lock']))
        await other.query('rollback')
        expect(store.adapter.isBusy(blocked)).toBe(true)
      })
      // Committed: the lock is gone.
      await other.query('begin')
      await other.query("set local lock_timeout = '50ms'")
      expect((await other.query('select id from accounts where id = $1 for update', ['acct_lock'])).rowCount).toBe(1)
      await other.query('rollback')
    } finally {
      await other.end()
    }
  })

  it('notifies other processes only when the transaction commits (PostgreSQL); SQLite says it cannot', async () => {
    if (TEST_DB === 'sqlite') {
      expect(await store.adapter.notify(store.db, 'reelay_jobs', 'x')).toBe(false)
      return
    }
    const listener = new pg.Client({ connectionString: pgSchema!.url })
    await listener.connect()
    try {
      const heard: string[] = []
      let arrived: () => void = () => undefined
      listener.on('notification', (m) => {
        heard.push(m.payload ?? '')
        arrived()
      })
      await listener.query('LISTEN reelay_keys')
      const got = new Promise<void>((r) => (arrived = r))
      await failure(
        store.db.transaction().execute(async (trx) => {
          await store.adapter.notify(trx, 'reelay_keys', 'rolled-back')
          throw new Error('abort')
        }),
      )
      await store.db.transaction().execute((trx) => store.adapter.notify(trx, 'reelay_keys', 'key_1'))
      await got
      expect(heard).toEqual(['key_1'])
    } finally {
      await listener.end()
    }
  })

  it('runs a light transaction that commits and rolls back like any other', async () => {
    await store.adapter.lightTransaction(store.db, (trx) => trx.insertInto('accounts').values(account('acct_light', 'light')).execute())
    await failure(
      store.adapter.lightTransaction(store.db, async (trx) => {
        await trx.insertInto('accounts').values(account('acct_light2', 'light2')).execute()
        throw new Error('abort')
      }),
    )
    const ids = (await store.db.selectFrom('accounts').select('id').where('id', 'like', 'acct_light%').execute()).map((r) => r.id)
    expect(ids).toEqual(['acct_light'])
  })
})
