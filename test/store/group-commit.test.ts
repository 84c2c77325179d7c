import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Transaction } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../src/store/db.js'
import { createGroupCommit } from '../../src/store/group-commit.js'
import type { Database } from '../../src/store/schema.js'
import { sharedDatabase, TEST_DB } from '../support/harness.js'

// The same file runs with --project sqlite and --project postgres.
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-group-commit-'))
let database: Awaited<ReturnType<typeof sharedDatabase>>
let store: Store

beforeAll(async () => {
  database = await sharedDatabase(dir)
  store = await database.open()
})
afterAll(async () => {
  await store.close()
  await database.drop()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await store.db.deleteFrom('accounts').execute()
})

const account = (trx: Transaction<Database>, id: string) => trx.insertInto('accounts').values({ id, name: id, plan: 'default', balance: 0, reserved: 0, createdAt: 0 }).execute()
const names = async () => (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id)

describe(`group commit on ${TEST_DB}`, () => {
  it('commits writes that arrive together in one transaction, and a failing one alone is undone', async () => {
    const group = createGroupCommit(store, { windowMs: 0, maxBatch: 64 })
    const seen: Transaction<Database>[] = []
    const write = (id: string, fail?: 'throw' | 'duplicate') =>
      group(id, async (trx) => {
        seen.push(trx)
        await account(trx, id)
        // A database error (PostgreSQL then refuses every statement until the savepoint is undone) and a thrown refusal.
        if (fail === 'duplicate') await account(trx, 'acct_1')
        if (fail === 'throw') throw new Error(`refused ${id}`)
        return id
      })
    const results = await Promise.allSettled([write('acct_1'), write('acct_2', 'throw'), write('acct_3'), write('acct_4', 'duplicate'), write('acct_5')])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'])
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'acct_1' })
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/refused acct_2/)
    expect(store.adapter.isUniqueViolation((results[3] as PromiseRejectedResult).reason)).toBe(true)
    expect(new Set(seen).size).toBe(1)
    expect(await names()).toEqual(['acct_1', 'acct_3', 'acct_5'])
  })

  it('answers a write only once its commit is visible to every other connection', async () => {
    const group = createGroupCommit(store, { windowMs: 2, maxBatch: 64 })
    const read = store.prepareFirst<{ id: string }>('select id as "id" from accounts where id = ?')
    const ids = Array.from({ length: 20 }, (_, i) => `acct_${String(i).padStart(2, '0')}`)
    const answered = await Promise.all(ids.map((id) => group(id, (trx) => account(trx, id)).then(() => read([id]))))
    expect(answered.map((r) => r?.id)).toEqual(ids)
  })

  it('splits a burst larger than the batch limit into several commits, all of them kept', async () => {
    const group = createGroupCommit(store, { windowMs: 0, maxBatch: 8 })
    const seen = new Set<Transaction<Database>>()
    const ids = Array.from({ length: 30 }, (_, i) => `acct_${String(i).padStart(2, '0')}`)
    await Promise.all(
      ids.map((id) =>
        group(id, async (trx) => {
          seen.add(trx)
          await account(trx, id)
        }),
      ),
    )
    expect(seen.size).toBeGreaterThanOrEqual(4)
    expect(await names()).toEqual(ids)
  })
})
