import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as m0001 from './migrations/0001-init.js'
import * as m0002 from './migrations/0002-webhooks.js'
import * as m0003 from './migrations/0003-channel-index.js'
import * as m0004 from './migrations/0004-claim-lanes.js'

// Migrations are imported statically so they work from source, bundles and tests alike.
const migrations: Record<string, Migration> = {
  '0001-init': m0001,
  '0002-webhooks': m0002,
  '0003-channel-index': m0003,
  '0004-claim-lanes': m0004,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Applies every pending migration; safe to run concurrently from several processes. */
export async function migrateToLatest(db: Kysely<any>, dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<string[]> {
  // On PostgreSQL the bookkeeping tables live in the schema we run in (search_path), so
  // several deployments (or test files) can share one database without seeing each other's.
  const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
