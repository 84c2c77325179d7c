import type { Kysely } from 'kysely'

// The prompt pipeline's record per job (JSON: original, detected language, translation,
// enhancement, why it fell back) and each account's default prompt mode.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('prompt_pipeline', 'text').execute()
  await db.schema.alterTable('accounts').addColumn('prompt_mode', 'text').execute()
}
