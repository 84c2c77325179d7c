import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as m0001 from './migrations/0001-init.js'
import * as m0002 from './migrations/0002-webhooks.js'
import * as m0003 from './migrations/0003-channel-index.js'
import * as m0004 from './migrations/0004-claim-lanes.js'
import * as m0006 from './migrations/0006-uploads.js'
import * as m0007 from './migrations/0007-request-id.js'
import * as m0008 from './migrations/0008-job-inputs.js'
import * as m0010 from './migrations/0010-prompt-pipeline.js'
import * as m0011 from './migrations/0011-users.js'
import * as m0012 from './migrations/0012-billing.js'
import * as m0013 from './migrations/0013-regions.js'
import * as m0014 from './migrations/0014-job-lanes.js'
import * as m0015 from './migrations/0015-active-jobs.js'

// Migrations are imported statically so they work from source, bundles and tests alike.
const migrations: Record<string, Migration> = {
  '0001-init': m0001,
  '0002-webhooks': m0002,
  '0003-channel-index': m0003,
  '0004-claim-lanes': m0004,
  '0006-uploads': m0006,
  '0007-request-id': m0007,
  '0008-job-inputs': m0008,
  '0010-prompt-pipeline': m0010,
  '0011-users': m0011,
  '0012-billing': m0012,
  '0013-regions': m0013,
  '0014-job-lanes': m0014,
  '0015-active-jobs': m0015,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Applies every pending migration; safe to run concurrently from several processes. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<string[]> {
  // On PostgreSQL the bookkeeping tables live in the schema we run in (search_path), so
  // several deployments (or test files) can share one database without seeing each other's.
  const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) })
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest()
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
    // Kysely's introspection reads every schema's tables and then names them in
    // has_schema_privilege() and pg_get_serial_sequence(): a schema or table someone else drops
    // in between (another deployment, another test file) fails it with "… does not exist" or
    // "cache lookup failed", or a column lookup with "column … of relation … does not exist".
    // Nothing of ours changed, and a failed run applied nothing: try again.
    if (dialect !== 'postgres' || attempt >= 5 || !isCatalogRace(error)) throw error
  }
}

function isCatalogRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '3F000' || code === '42P01' || code === '42703' || (code === 'XX000' && /cache lookup failed/.test(String((err as Error).message)))
}
