import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely'

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
