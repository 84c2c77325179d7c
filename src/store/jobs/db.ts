import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'

/** A connection or a transaction: every operation here runs on either (a Transaction is a Kysely). */
export type Db = Kysely<Database>

export const updated = (res: { numUpdatedRows: bigint }): number => Number(res.numUpdatedRows)
