import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../src/store/db.js'
import { getOwnedJob, insertJob, preparePollJob } from '../../src/store/jobs/index.js'
import { prepareKeyByHash } from '../../src/store/key-by-hash.js'
import { loadJob, toJob } from '../../src/jobs/job-model.js'
import { prepareUsage } from '../../src/jobs/usage.js'
import { DEFAULT_PRICES } from '../../src/catalog/prices.js'
import { sharedDatabase } from '../support/harness.js'

// The prepared statements behind status polls and key lookups, against a real database: the
// same file runs with --project sqlite and --project postgres.
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-hot-reads-'))
let db: Awaited<ReturnType<typeof sharedDatabase>>
let store: Store
let n = 0

beforeAll(async () => {
  db = await sharedDatabase(dir)
  store = await db.open()
  for (const id of ['acct_a', 'acct_b'])
    await store.db
      .insertInto('accounts')
      .values({ id, name: id.slice(5), plan: 'default', balance: 1_000, reserved: 0, createdAt: 0 })
      .execute()
})
afterAll(async () => {
  await store.close()
  await db.drop()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await store.db.deleteFrom('ledgerEntries').execute()
  await store.db.deleteFrom('jobs').execute()
})

const T = 1_000_000

async function putJob(over: { accountId?: string; status?: 'queued' | 'succeeded'; deletedAt?: number | null; createdAt?: number } = {}): Promise<string> {
  const id = `job_${String(++n).padStart(26, '0')}`
  const done = over.status === 'succeeded'
  await insertJob(store.db, {
    id,
    accountId: over.accountId ?? 'acct_a',
    apiKeyId: 'key_a',
    dialect: 'native',
    model: 'seedance2',
    type: 'video',
    params: '{"prompt":"a fox","durationSec":5}',
    price: 100,
    status: over.status ?? 'queued',
    progress: done ? 100 : 0,
    errorCode: null,
    errorMessage: null,
    errorDetail: 'upstream said no (operator only)',
    provider: 'ark',
    channel: 'ark-1',
    upstreamId: 'cgt-1',
    submitUncertain: 0,
    attempt: 1,
    pollCount: 3,
    leaseOwner: null,
    leaseExpiresAt: null,
    nextRunAt: T,
    deadlineAt: T + 600_000,
    outputs: done ? JSON.stringify([{ key: 'k', mime: 'video/mp4', width: 1280, height: 720, durationSec: 5, bytes: 10, hasAudio: true }]) : null,
    webhookUrl: 'https://example.com/hook',
    createdAt: over.createdAt ?? T,
    startedAt: T + 1,
    finishedAt: done ? T + 2 : null,
    updatedAt: T + 2,
    deletedAt: over.deletedAt ?? null,
    refusedChannels: null,
    requestId: 'req_1',
    lane: 'polls',
    pollTypicalMs: 60_000,
  })
  return id
}

async function charge(jobId: string, kind: 'hold' | 'capture' | 'release', amount: number, createdAt = T): Promise<void> {
  await store.db
    .insertInto('ledgerEntries')
    .values({ id: `led_${++n}`, accountId: 'acct_a', jobId, kind, amount, note: null, createdAt })
    .execute()
}

describe('status poll (preparePollJob)', () => {
  it('answers exactly what the full read answers, charges included', async () => {
    const poll = preparePollJob(store)
    const running = await putJob()
    await charge(running, 'hold', 100)
    const done = await putJob({ status: 'succeeded' })
    await charge(done, 'hold', 100)
    await charge(done, 'capture', 60)
    await charge(done, 'release', 40)
    for (const id of [running, done]) {
      const row = (await poll('acct_a', id))!
      const full = await loadJob(store.db, (await getOwnedJob(store.db, 'acct_a', id))!)
      expect(toJob(row, { held: row.held, captured: row.captured, released: row.released })).toEqual(full)
    }
    expect((await poll('acct_a', done))!).toMatchObject({ held: 100, captured: 60, released: 40 })
    // Operator-only columns never reach the answer's input.
    expect(Object.keys((await poll('acct_a', running))!)).not.toContain('errorDetail')
  })

  it('hides another account’s job and a deleted one', async () => {
    const poll = preparePollJob(store)
    const theirs = await putJob({ accountId: 'acct_b' })
    const deleted = await putJob({ deletedAt: T + 5 })
    expect(await poll('acct_a', theirs)).toBeUndefined()
    expect(await poll('acct_a', deleted)).toBeUndefined()
    expect(await poll('acct_a', 'job_missing')).toBeUndefined()
  })

  it('sees each new commit, and not a write still in its transaction, without waiting for it', async () => {
    const poll = preparePollJob(store)
    const id = await putJob()
    expect((await poll('acct_a', id))!.status).toBe('queued')
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let inside!: () => void
    const started = new Promise<void>((r) => (inside = r))
    const writer = store.db.transaction().execute(async (trx) => {
      await trx.updateTable('jobs').set({ status: 'processing', progress: 40 }).where('id', '=', id).execute()
      inside()
      await held
    })
    await started
    // The write is not committed: the poll answers the last commit at once.
    expect((await poll('acct_a', id))!).toMatchObject({ status: 'queued', progress: 0 })
    release()
    await writer
    expect((await poll('acct_a', id))!).toMatchObject({ status: 'processing', progress: 40 })
  })
})

describe('usage (prepareUsage)', () => {
  it('answers the figures, this period’s captures and the period’s jobs by status in one read', async () => {
    const usage = prepareUsage(store)
    const since = Date.UTC(1970, 1, 1)
    const january = await putJob({ status: 'succeeded' })
    await charge(january, 'capture', 70)
    await putJob({ createdAt: since + 5 })
    const done = await putJob({ status: 'succeeded', createdAt: since + 6 })
    await charge(done, 'hold', 30, since + 6)
    await charge(done, 'capture', 30, since + 7)
    await putJob({ accountId: 'acct_b', createdAt: since + 8 })
    const auth = { accountId: 'acct_a', accountName: 'a', apiKeyId: 'key_a', plan: 'default' }
    expect(await usage(DEFAULT_PRICES, Date.UTC(1970, 1, 10), auth)).toMatchObject({
      balance: 1_000,
      reserved: 0,
      available: 1_000,
      plan: { id: 'default' },
      period: { start: since, end: Date.UTC(1970, 2, 1) },
      creditsUsed: 30,
      jobs: { submitted: 2, active: 1, succeeded: 1, failed: 0, cancelled: 0 },
    })
    // A period with nothing in it answers zeros, not nulls.
    expect((await usage(DEFAULT_PRICES, Date.UTC(1970, 5, 1), auth)).jobs).toEqual({ submitted: 0, active: 0, succeeded: 0, failed: 0, cancelled: 0 })
  })
})

describe('key lookup (prepareKeyByHash)', () => {
  it('finds an active key with its account, and not a revoked key or a disabled account’s', async () => {
    const byHash = prepareKeyByHash(store)
    await store.db.deleteFrom('apiKeys').execute()
    const key = (id: string, accountId: string, revokedAt: number | null) => ({ id, accountId, name: null, prefix: 'rl_x', hash: `h_${id}`, createdAt: T, revokedAt })
    await store.db
      .insertInto('apiKeys')
      .values([key('key_1', 'acct_a', null), key('key_2', 'acct_a', T), key('key_3', 'acct_b', null)])
      .execute()
    expect(await byHash('h_key_1')).toEqual({ apiKeyId: 'key_1', accountId: 'acct_a', accountName: 'a', plan: 'default', region: null })
    expect(await byHash('h_key_2')).toBeUndefined()
    expect(await byHash('h_nope')).toBeUndefined()
    expect(await byHash('h_key_3')).toMatchObject({ accountId: 'acct_b' })
    await store.db.updateTable('accounts').set({ disabledAt: T }).where('id', '=', 'acct_b').execute()
    expect(await byHash('h_key_3')).toBeUndefined()
  })
})
