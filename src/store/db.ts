import { mkdirSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely'
import { pgDriver } from './pg-module.js'
import type { Capabilities, StoreAdapter } from './adapter.js'
import { ImmediateSqliteDialect } from './sqlite/dialect.js'
import { createSqliteAdapter } from './sqlite/adapter.js'
import { createPostgresAdapter } from './postgres/adapter.js'
import type { Database } from './schema.js'

export type { Capabilities, StoreAdapter } from './adapter.js'

export interface Store {
  db: Kysely<Database>
  caps: Capabilities
  /** What differs by database: error codes, account locks, light transactions, notifications. */
  adapter: StoreAdapter
  /**
   * A transaction whose commit may skip the disk flush. Only for writes that are harmless to
   * lose in a power cut, because losing them just repeats work: leases of claimed jobs and the
   * schedule of the next upstream poll. Never for job outcomes or credits. A later durable
   * commit flushes these along with its own. (`adapter.lightTransaction` on this store's db.)
   */
  lightTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /**
   * A read for the hot paths (status polls, key lookups), prepared once on first use and run
   * without Kysely's build, compile and camel-case steps. `sql` uses `?` placeholders and names
   * each column with its camelCase alias. It runs outside any transaction (SQLite: a read-only
   * connection of its own; PostgreSQL: the pool), so it sees committed rows only and never
   * waits behind another request's commit.
   */
  prepareFirst<R>(sql: string): (params: readonly unknown[]) => Promise<R | undefined>
  /** Like `prepareFirst`, answering every row (a page of a list). */
  prepareAll<R>(sql: string): (params: readonly unknown[]) => Promise<R[]>
  /**
   * SQLite: the write connection's `data_version`, which changes when another process commits
   * to the file (read from shared memory, no disk, no Kysely). Undefined on PostgreSQL, where
   * other processes notify instead.
   */
  dataVersion?: () => number
  close(): Promise<void>
}

export interface StoreOptions {
  databaseUrl?: string | undefined
  dataDir: string
  synchronous?: 'FULL' | 'NORMAL'
  poolSize?: number
  /** How long a SQLite write waits for another connection's lock (default 5 s). */
  busyTimeoutMs?: number
  /** PostgreSQL schema to use (tests give each file its own). */
  schema?: string
}

export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10, opts.schema)
  mkdirSync(opts.dataDir, { recursive: true })
  const file = path.join(opts.dataDir, 'reelay.db')
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  const synchronous = opts.synchronous ?? 'FULL'
  sqlite.pragma(`synchronous = ${synchronous}`)
  // Other processes (the CLI, a second worker) may hold the write lock briefly; every write
  // transaction begins IMMEDIATE (see ImmediateSqliteDialect), so this wait applies to it.
  sqlite.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5_000)}`)
  sqlite.pragma('foreign_keys = ON')
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }), plugins: [new CamelCasePlugin()] })
  // WAL lets this second connection read the last commit while the writer holds its lock.
  let reader: SQLite.Database | undefined
  const openReader = () => {
    reader = new SQLite(file, { readonly: true })
    reader.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5_000)}`)
    return reader
  }
  const prepared = <R>(text: string) => {
    let stmt: SQLite.Statement<unknown[], R> | undefined
    // Prepared at the first call: the tables may not exist before migrations ran.
    return () => (stmt ??= (reader ?? openReader()).prepare<unknown[], R>(text))
  }
  const prepareFirst = <R>(text: string) => {
    const stmt = prepared<R>(text)
    return async (params: readonly unknown[]) => stmt().get(...params)
  }
  const prepareAll = <R>(text: string) => {
    const stmt = prepared<R>(text)
    return async (params: readonly unknown[]) => stmt().all(...params)
  }
  const store = storeOf(db, createSqliteAdapter(synchronous), prepareFirst, prepareAll)
  return {
    ...store,
    // Prepared once: better-sqlite3's pragma() prepares its statement on every call.
    dataVersion: (
      (stmt) => () =>
        stmt.get() as number
    )(sqlite.prepare('pragma data_version').pluck()),
    close: async () => {
      reader?.close()
      await store.close()
    },
  }
}

function storeOf(db: Kysely<Database>, adapter: StoreAdapter, prepareFirst: Store['prepareFirst'], prepareAll: Store['prepareAll']): Store {
  return { db, caps: adapter.caps, adapter, lightTransaction: (fn) => adapter.lightTransaction(db, fn), prepareFirst, prepareAll, close: () => db.destroy() }
}

/**
 * Kysely prepares every query afresh, and on SQLite preparing costs more than running. The same
 * SQL text always compiles to the same statement, so statements are kept (bounded) and reused.
 */
function withStatementCache(sqlite: SQLite.Database, max = 1_000) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    prepare(sql: string): SQLite.Statement {
      let stmt = cache.get(sql)
      if (!stmt) {
        if (cache.size >= max) cache.delete(cache.keys().next().value as string)
        stmt = sqlite.prepare(sql)
        cache.set(sql, stmt)
      }
      return stmt
    },
    close(): void {
      cache.clear()
      sqlite.close()
    },
  }
}

function openPostgres(url: string, max: number, schema: string | undefined): Store {
  const pool = new (pgDriver().Pool)({
    connectionString: url,
    max,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] })
  let prepared = 0
  const named = <R>(text: string) => {
    let i = 0
    // A named statement: each pooled connection parses and plans it once, then only binds.
    const query = { name: `reelay_hot_${++prepared}`, text: text.replace(/\?/g, () => `$${++i}`) }
    return async (params: readonly unknown[]) => (await pool.query({ ...query, values: [...params] })).rows as R[]
  }
  const prepareFirst = <R>(text: string) => {
    const rows = named<R>(text)
    return async (params: readonly unknown[]) => (await rows(params))[0]
  }
  return storeOf(db, createPostgresAdapter(), prepareFirst, named)
}
