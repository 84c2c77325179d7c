import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely'

/** What differs between the two databases, as data rather than scattered `if`s. */
export interface Capabilities {
  dialect: 'sqlite' | 'postgres'
  /** `FOR UPDATE SKIP LOCKED` lets many workers claim without blocking each other. */
  skipLocked: boolean
  /** Row locks (`FOR UPDATE`); SQLite has one writer, so it needs none. */
  rowLocks: boolean
}

/** How each database reports the errors we act on, read from its codes rather than messages. */
export interface StoreAdapter {
  /** A unique index or primary key refused the write. */
  isUniqueViolation(err: unknown): boolean
  /**
   * Another writer held the database (or a row) too long, or a concurrent write forced this
   * transaction to give up: nothing was written and the same request may simply be retried.
   */
  isBusy(err: unknown): boolean
}

const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

export const sqliteAdapter: StoreAdapter = {
  isUniqueViolation: (err) => ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes(codeOf(err)),
  // SQLITE_BUSY and its extended codes (_SNAPSHOT, _RECOVERY, _TIMEOUT).
  isBusy: (err) => codeOf(err).startsWith('SQLITE_BUSY'),
}

export const postgresAdapter: StoreAdapter = {
  isUniqueViolation: (err) => codeOf(err) === '23505',
  // serialization_failure, deadlock_detected, lock_not_available.
  isBusy: (err) => ['40001', '40P01', '55P03'].includes(codeOf(err)),
}

/**
 * PostgreSQL refuses text it cannot store (a NUL byte: 22021; a character outside the database
 * encoding: 22P05) before it reads or writes anything. Such text only ever comes from a request
 * (an id in a path, a cursor), so it is the request's fault; SQLite stores it and finds nothing.
 */
export function isUnstorableTextError(err: unknown): boolean {
  return ['22021', '22P05'].includes(codeOf(err))
}

/** For callers that hold an error but not the store it came from (the HTTP error handler). */
export function isBusyError(err: unknown): boolean {
  return sqliteAdapter.isBusy(err) || postgresAdapter.isBusy(err)
}

/**
 * SQLite with every transaction begun as `BEGIN IMMEDIATE`. A deferred `BEGIN` takes the write
 * lock only at its first write; if another connection (the CLI, a second server) holds it then,
 * or committed since this transaction first read, SQLite fails at once with SQLITE_BUSY(_SNAPSHOT)
 * and the busy timeout never applies. Taking the lock up front makes a transaction wait its turn.
 * Our transactions all write; plain reads run outside them and never take the lock.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}
