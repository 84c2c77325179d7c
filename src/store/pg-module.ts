import { createRequire } from 'node:module'
import type pgModule from 'pg'

const require = createRequire(import.meta.url)
let loaded: typeof pgModule | undefined

/**
 * The `pg` driver, loaded on first use: a SQLite deployment never pays its ~16 MB. It is
 * CommonJS, so a synchronous require keeps `openStore` synchronous.
 */
export function pgDriver(): typeof pgModule {
  if (loaded) return loaded
  loaded = require('pg') as typeof pgModule
  // int8 arrives as a string by default; our bigints are milliseconds and credits, and no credit
  // figure passes REELAY_MAX_BALANCE (≤ 2^53 − 1), so numbers are exact. Reads that must see past
  // it (ledger/doctor.ts) cast to text and use BigInt.
  loaded.types.setTypeParser(20, (v) => Number(v))
  return loaded
}
