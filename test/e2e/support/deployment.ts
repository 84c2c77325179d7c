import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openStore, type Store } from '../../../src/store/db.js'
import { createAccounts } from '../../../src/accounts/accounts.js'
import { migrateToLatest } from '../../../src/store/migrate.js'
import { systemClock } from '../../../src/domain/clock.js'
import { freshPgSchema, TEST_DB } from '../../support/harness.js'

/**
 * A data dir (and, with REELAY_TEST_DB=postgres, a fresh schema) with one migrated database,
 * an account on a plan without limits and its API key: what the multi-process tests start
 * real `reelay serve` processes on.
 */
export async function prepareDeployment(prefix: string, credits: number) {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix))
  const pg = TEST_DB === 'postgres' ? await freshPgSchema() : null
  writeFileSync(path.join(dataDir, 'prices.json'), JSON.stringify({ plans: { load: { name: 'Load', requestsPerMinute: 10_000_000, maxActiveJobs: 10_000_000, monthlyCreditQuota: null } } }))
  const store: Store = openStore({ dataDir, ...(pg ? { databaseUrl: pg.url } : {}) })
  await migrateToLatest(store.db, store.caps.dialect)
  const accounts = createAccounts(store, systemClock)
  await accounts.create('load', 'load', credits)
  const { key } = await accounts.createKey('load', null)
  /** What every process of this deployment is started with. */
  const env: Record<string, string> = { REELAY_DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url, REELAY_DB_POOL_SIZE: '5' } : {}) }
  return {
    dataDir,
    store,
    key,
    env,
    async close(): Promise<void> {
      await store.close()
      await pg?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Waits (real time: other processes do the work) until no job is queued or processing. */
export async function waitForQuiet(store: Store, maxMs = 180_000): Promise<void> {
  for (let t = 0; t < maxMs; t += 200) {
    const left = await store.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'processing']).limit(1).execute()
    if (left.length === 0) return
    await sleep(200)
  }
  const stuck = await store.db.selectFrom('jobs').select(['id', 'status', 'attempt', 'leaseOwner', 'leaseExpiresAt', 'nextRunAt', 'channel', 'errorDetail']).where('status', 'in', ['queued', 'processing']).limit(5).execute()
  throw new Error(`jobs still active, e.g. ${JSON.stringify(stuck)} at ${Date.now()}`)
}
