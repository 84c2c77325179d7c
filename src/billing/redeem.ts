import { AppError } from '../errors.js'
import { newId } from '../domain/ids.js'
import { ledger } from '../ledger/ledger.js'
import { codePrefix, hashRedeemCode, newRedeemCode, normalizeRedeemCode } from './redeem-codes.js'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { RedeemBatchesTable } from '../store/schema.js'

export const MAX_BATCH_CODES = 10_000

export interface BatchSpec {
  credits: number
  count: number
  /** Unix ms after which the codes no longer work. */
  expiresAt?: number | null | undefined
  onePerAccount?: boolean | undefined
  note?: string | null | undefined
}

export interface CreatedBatch {
  batch: RedeemBatchesTable
  /** The codes in full: shown this once, never stored. */
  codes: string[]
}

/** Redeem codes: batches an operator makes, each code credited exactly once. */
export function createRedeem(store: Store, clock: Clock, opts: { maxBalance: number }) {
  const { db } = store

  async function createBatch(spec: BatchSpec): Promise<CreatedBatch> {
    if (!Number.isSafeInteger(spec.credits) || spec.credits < 1 || spec.credits > opts.maxBalance) {
      throw new AppError('invalid_request', `\`credits\` must be a whole number from 1 to ${opts.maxBalance}`, { field: 'credits' })
    }
    if (!Number.isSafeInteger(spec.count) || spec.count < 1 || spec.count > MAX_BATCH_CODES) {
      throw new AppError('invalid_request', `\`count\` must be a whole number from 1 to ${MAX_BATCH_CODES}`, { field: 'count' })
    }
    const now = clock.now()
    if (spec.expiresAt != null && (!Number.isSafeInteger(spec.expiresAt) || spec.expiresAt <= now)) {
      throw new AppError('invalid_request', '`expiresAt` must be a time in the future', { field: 'expiresAt' })
    }
    const batch: RedeemBatchesTable = {
      id: newId('rcb', now),
      credits: spec.credits,
      count: spec.count,
      expiresAt: spec.expiresAt ?? null,
      onePerAccount: spec.onePerAccount ? 1 : 0,
      note: spec.note ?? null,
      createdAt: now,
    }
    const codes = Array.from({ length: spec.count }, newRedeemCode)
    const rows = codes.map((c) => {
      const n = normalizeRedeemCode(c)!
      return { hash: hashRedeemCode(n), batchId: batch.id, prefix: codePrefix(n), redeemedBy: null, redeemedAt: null }
    })
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('redeemBatches').values(batch).execute()
      // Chunked: SQLite and PostgreSQL cap the parameters of one statement.
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('redeemCodes')
          .values(rows.slice(i, i + 500))
          .execute()
    })
    return { batch, codes }
  }

  /**
   * Credits the code's batch amount to `accountId`, once: the claim is one conditional UPDATE
   * (`redeemed_at is null`), so of concurrent redeems exactly one changes the row and the others
   * see zero rows; a one-per-account batch also inserts (batch, account) under a primary key.
   * The claim and the ledger grant commit together.
   */
  async function redeem(accountId: string, code: string): Promise<{ credited: number; balance: number; batchId: string }> {
    const normalized = normalizeRedeemCode(code)
    if (!normalized) throw new AppError('invalid_request', '`code` is not a redeem code (it looks like RLY-XXXX-XXXX-XXXX-XXXX)', { field: 'code' })
    const hash = hashRedeemCode(normalized)
    try {
      return await db.transaction().execute(async (trx) => {
        const now = clock.now()
        const found = await trx
          .selectFrom('redeemCodes')
          .innerJoin('redeemBatches', 'redeemBatches.id', 'redeemCodes.batchId')
          .select(['redeemCodes.batchId', 'redeemCodes.redeemedAt', 'redeemBatches.credits', 'redeemBatches.expiresAt', 'redeemBatches.onePerAccount'])
          .where('redeemCodes.hash', '=', hash)
          .executeTakeFirst()
        if (!found) throw new AppError('invalid_request', '`code` is not a valid redeem code', { field: 'code' })
        if (found.redeemedAt !== null) throw new AppError('code_not_redeemable', 'This code was already redeemed.', { field: 'code' })
        if (found.expiresAt !== null && found.expiresAt <= now) throw new AppError('code_not_redeemable', `This code expired at ${new Date(found.expiresAt).toISOString()}.`, { field: 'code' })
        const claimed = await trx.updateTable('redeemCodes').set({ redeemedBy: accountId, redeemedAt: now }).where('hash', '=', hash).where('redeemedAt', 'is', null).executeTakeFirst()
        if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('code_not_redeemable', 'This code was already redeemed.', { field: 'code' })
        if (found.onePerAccount) await trx.insertInto('redeemClaims').values({ batchId: found.batchId, accountId, createdAt: now }).execute()
        const granted = await ledger.grant(trx, accountId, found.credits, `redeem:${found.batchId}`, now, opts.maxBalance)
        if (!granted) {
          const exists = await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst()
          if (!exists) throw new AppError('not_found', 'No account with this id.')
          throw new AppError('invalid_request', `Redeeming this code would take the balance past the maximum of ${opts.maxBalance} credits; nothing was credited`, { field: 'code' })
        }
        const f = await ledger.figures(trx, accountId)
        return { credited: found.credits, balance: f?.balance ?? 0, batchId: found.batchId }
      })
    } catch (err) {
      // The (batch, account) key: this account already has one of the batch's codes.
      if (store.adapter.isUniqueViolation(err)) throw new AppError('code_not_redeemable', 'This account already redeemed a code from this batch.', { field: 'code' })
      throw err
    }
  }

  async function getBatch(id: string): Promise<RedeemBatchesTable> {
    const b = await db.selectFrom('redeemBatches').selectAll().where('id', '=', id).executeTakeFirst()
    if (!b) throw new AppError('not_found', 'No redeem batch with this id.')
    return b
  }

  /**
   * The batch's codes as CSV without the codes themselves (only their hashes exist): prefix,
   * whether and by whom each was redeemed. The full codes are in the CSV made at creation.
   */
  async function statusCsv(id: string): Promise<string> {
    const b = await getBatch(id)
    const rows = await db.selectFrom('redeemCodes').selectAll().where('batchId', '=', id).orderBy('prefix').execute()
    const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString())
    const lines = rows.map((r) => [r.prefix, b.credits, iso(b.expiresAt), r.redeemedAt === null ? 'unused' : 'redeemed', r.redeemedBy ?? '', iso(r.redeemedAt)].join(','))
    return ['prefix,credits,expires_at,status,account_id,redeemed_at', ...lines].join('\n') + '\n'
  }

  return { createBatch, redeem, getBatch, statusCsv }
}

/** The codes of a new batch as CSV, for the operator to hand out: the only copy there is. */
export function codesCsv(created: CreatedBatch): string {
  const expires = created.batch.expiresAt === null ? '' : new Date(created.batch.expiresAt).toISOString()
  return ['code,credits,expires_at,batch_id', ...created.codes.map((c) => [c, created.batch.credits, expires, created.batch.id].join(','))].join('\n') + '\n'
}

export type Redeem = ReturnType<typeof createRedeem>
