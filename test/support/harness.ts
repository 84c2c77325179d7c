import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freshPgSchema as freshSchemaIn } from './pg-schema.js'
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import { ManualClock } from '../../src/domain/clock.js'
import { buildApp, closeApp } from '../../src/api/app.js'
import { createRuntime, type RuntimeOptions } from '../../src/runtime.js'
import { openStore, type Store } from '../../src/store/db.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { ledgerViolations } from './ledger-check.js'
import type { FastifyInstance } from 'fastify'

/** `REELAY_TEST_DB=postgres` runs the same suites on PostgreSQL, one fresh schema per harness. */
export const TEST_DB = process.env.REELAY_TEST_DB === 'postgres' ? 'postgres' : 'sqlite'
const PG_URL = process.env.REELAY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh PostgreSQL schema in the test database (see `pg-schema.ts`). */
export const freshPgSchema = () => freshSchemaIn(PG_URL)

/**
 * The database a test shares with the processes it starts: SQLite in `dataDir`, or a fresh
 * PostgreSQL schema under `REELAY_TEST_DB=postgres`. `env` points a `reelay` process at it.
 */
export async function sharedDatabase(dataDir: string) {
  const pg = TEST_DB === 'postgres' ? await freshPgSchema() : null
  const env: Record<string, string> = { REELAY_DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) }
  return {
    env,
    /** Opens the database, migrated. */
    async open(): Promise<Store> {
      const store = openStore({ dataDir, ...(pg ? { databaseUrl: pg.url } : {}) })
      await migrateToLatest(store.db, store.caps.dialect)
      return store
    },
    async drop(): Promise<void> {
      await pg?.drop()
    },
  }
}

export interface HarnessOptions extends Omit<RuntimeOptions, 'clock' | 'logger'> {
  env?: Record<string, string>
  clock?: ManualClock
  /** Where the runtime logs (silent when absent); tests that check operator alerts capture it. */
  logger?: pino.Logger
}

/**
 * A real Reelay on a fresh SQLite file in a temp directory, with a manual clock and the
 * in-process worker driven by the test (`drain`), never by timers.
 */
export async function createHarness(opts: HarnessOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelay-test-'))
  const pgSchema = TEST_DB === 'postgres' ? await freshPgSchema() : null
  const config = loadConfig({
    REELAY_DATA_DIR: dir,
    REELAY_LOG_LEVEL: 'silent',
    REELAY_SQLITE_SYNCHRONOUS: 'NORMAL',
    // Test processes share starved CPUs; a busy loop there is not overload to shed.
    REELAY_SHED_EVENT_LOOP_DELAY_MS: '0',
    ...(pgSchema ? { DATABASE_URL: pgSchema.url } : {}),
    ...opts.env,
  })
  const clock = opts.clock ?? new ManualClock(Date.now())
  const rt = await createRuntime(config, { ...opts, clock, logger: opts.logger ?? pino({ level: 'silent' }) })
  // Every answer of a documented route is held to its OpenAPI schema; drift fails the file at close.
  const drift: string[] = []
  const app: FastifyInstance = await buildApp(rt.appDeps, { logger: false, responseCheck: (p) => drift.push(p) })
  await app.ready()
  let n = 0

  /** An account with `credits` and one API key. */
  async function customer(credits = 10_000, plan = 'default') {
    const name = `cust-${++n}`
    const account = await rt.accounts.create(name, plan, credits)
    const { key } = await rt.accounts.createKey(name, null)
    return { account, key, auth: { authorization: `Bearer ${key}` } }
  }

  return {
    rt,
    app,
    clock,
    dir,
    config,
    customer,
    /**
     * Cancels every job of this harness still queued or processing, as its customer would. A test
     * that only reads what a submit answered leaves no render behind for the next test's `drain`
     * (studio videos are most of the suite's CPU); cancelled, its hold is released.
     */
    async cancelUnfinished(): Promise<void> {
      const left = await rt.store.db.selectFrom('jobs').select(['id', 'accountId']).where('status', 'in', ['queued', 'processing']).execute()
      for (const j of left) await rt.jobs.cancel(j.accountId, j.id)
    },
    /**
     * Stops everything, then checks the ledger invariant over this harness's own database: every
     * file that makes a harness is checked after all its tests, on whatever they left behind.
     */
    async close() {
      let violations: string[] = []
      try {
        // Short grace: a test that left a response unread must not stall the suite's teardown.
        await closeApp(app, 2_000)
        await rt.worker.stop(10_000)
        await rt.dispatcher.stop()
        violations = await ledgerViolations(rt.store)
      } finally {
        await rt.close()
        await pgSchema?.drop()
        rmSync(dir, { recursive: true, force: true })
      }
      if (violations.length) throw new Error(`ledger invariant broken:\n${violations.join('\n')}`)
      if (drift.length) throw new Error(`responses differ from their OpenAPI schemas:\n${[...new Set(drift)].join('\n')}`)
    },
  }
}

export type Harness = Awaited<ReturnType<typeof createHarness>>
