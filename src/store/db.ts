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
  return storeOf(db, createSqliteAdapter(synchronous))
}

function storeOf(db: Kysely<Database>, adapter: StoreAdapter): Store {
  return { db, caps: adapter.caps, adapter, lightTransaction: (fn) => adapter.lightTransaction(db, fn), close: () => db.destroy() }
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
  return storeOf(db, createPostgresAdapter())
}
