import type { Kysely, Transaction } from 'kysely'
import type { Database } from './schema.js'
import { sqliteErrors } from './sqlite/errors.js'
import { postgresErrors } from './postgres/errors.js'

/** What differs between the two databases, as data rather than scattered `if`s. */
export interface Capabilities {
  dialect: 'sqlite' | 'postgres'
  /** `FOR UPDATE SKIP LOCKED` lets many workers claim without blocking each other. */
  skipLocked: boolean
  /** Row locks (`FOR UPDATE`); SQLite has one writer, so it needs none. */
  rowLocks: boolean
  /** Cross-process notifications (LISTEN/NOTIFY); SQLite deployments are one process. */
  notify: boolean
}

/** The notification channels every process may listen on. `reelay_keys` carries a revoked key's id. */
export type NotifyChannel = 'reelay_jobs' | 'reelay_webhooks' | 'reelay_keys'

/** How each database reports the errors we act on, read from its codes rather than messages. */
export interface StoreErrors {
  /** A unique index or primary key refused the write. */
  isUniqueViolation(err: unknown): boolean
  /**
   * Another writer held the database (or a row) too long, or a concurrent write forced this
   * transaction to give up: nothing was written and the same request may simply be retried.
   */
  isBusy(err: unknown): boolean
}

/**
 * The database-specific half of the store (in the spirit of kysely's dialect adapter): one
 * implementation per database in `sqlite/` and `postgres/`, so no caller tests the dialect.
 */
export interface StoreAdapter extends StoreErrors {
  readonly caps: Capabilities
  /**
   * Serialises writers of one account until `trx` ends, so the active-job limit, quota and
   * idempotency checks cannot race across processes. A no-op where one writer is all there is.
   */
  lockAccount(trx: Transaction<Database>, accountId: string): Promise<void>
  /**
   * A transaction whose commit may skip the disk flush. Only for writes that are harmless to
   * lose in a power cut, because losing them just repeats work: leases of claimed jobs and the
   * schedule of the next upstream poll. Never for job outcomes or credits.
   */
  lightTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /**
   * Tells every listening process, on commit when `db` is a transaction. False when this
   * database cannot notify (the caller then relies on its in-process paths).
   */
  notify(db: Kysely<Database>, channel: NotifyChannel, payload?: string): Promise<boolean>
}

/**
 * PostgreSQL refuses text it cannot store (a NUL byte: 22021; a character outside the database
 * encoding: 22P05) before it reads or writes anything. Such text only ever comes from a request
 * (an id in a path, a cursor), so it is the request's fault; SQLite stores it and finds nothing.
 */
export function isUnstorableTextError(err: unknown): boolean {
  return postgresErrors.isUnstorableText(err)
}

/** For callers that hold an error but not the store it came from (the HTTP error handler). */
export function isBusyError(err: unknown): boolean {
  return sqliteErrors.isBusy(err) || postgresErrors.isBusy(err)
}
