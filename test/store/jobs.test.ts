import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../src/store/db.js'
import type { JobsTable } from '../../src/store/schema.js'
import * as jobs from '../../src/store/jobs/index.js'
import { sharedDatabase, TEST_DB } from '../support/harness.js'

// Every operation of src/store/jobs/ against a real database: the same file runs with
// --project sqlite and --project postgres.
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-store-jobs-'))
let database: Awaited<ReturnType<typeof sharedDatabase>>
let store: Store
let n = 0

beforeAll(async () => {
  database = await sharedDatabase(dir)
  store = await database.open()
  await store.db.insertInto('accounts').values({ id: 'acct_a', name: 'a', plan: 'default', balance: 0, reserved: 0, createdAt: 0 }).execute()
  await store.db.insertInto('accounts').values({ id: 'acct_b', name: 'b', plan: 'default', balance: 0, reserved: 0, createdAt: 0 }).execute()
})
afterAll(async () => {
  await store.close()
  await database.drop()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await store.db.deleteFrom('jobs').execute()
})

const T = 1_000_000

function job(over: Partial<JobsTable> = {}): JobsTable {
  const id = `job_${String(++n).padStart(26, '0')}`
  return {
    id,
    accountId: 'acct_a',
    apiKeyId: 'key_a',
    dialect: 'native',
    model: 'seedance2',
    type: 'video',
    params: '{}',
    price: 100,
    status: 'queued',
    progress: 0,
    errorCode: null,
    errorMessage: null,
    errorDetail: null,
    provider: null,
    channel: null,
    upstreamId: null,
    submitUncertain: 0,
    attempt: 0,
    pollCount: 0,
    leaseOwner: null,
    leaseExpiresAt: null,
    nextRunAt: T,
    deadlineAt: T + 600_000,
    outputs: null,
    webhookUrl: null,
    createdAt: T,
    startedAt: null,
    finishedAt: null,
    updatedAt: T,
    deletedAt: null,
    refusedChannels: null,
    requestId: null,
    lane: 'steps',
    pollTypicalMs: 60_000,
    ...over,
  }
}

async function put(...rows: JobsTable[]): Promise<JobsTable[]> {
  for (const r of rows) await jobs.insertJob(store.db, r)
  return rows
}

const claim = (over: Partial<jobs.Claim> = {}) =>
  store.lightTransaction((trx) => jobs.claimJobs(trx, { owner: 'w1', now: T + 1, leaseMs: 60_000, limit: 10, lane: 'all', skipLocked: store.caps.skipLocked, ...over }))

describe(`jobs store on ${TEST_DB}`, () => {
  it('inserts a job and reads it back by id, by owner, by attempt; another tenant sees nothing', async () => {
    const [a] = await put(job({ pollTypicalMs: 105_000 }))
    expect(await jobs.getJob(store.db, a!.id)).toMatchObject({ id: a!.id, status: 'queued', lane: 'steps', pollTypicalMs: 105_000 })
    expect(await jobs.getOwnedJob(store.db, 'acct_a', a!.id)).toMatchObject({ id: a!.id })
    expect(await jobs.getOwnedJob(store.db, 'acct_b', a!.id)).toBeUndefined()
    expect(await jobs.getJobOwner(store.db, a!.id)).toBe('acct_a')
    expect(await jobs.getJobDialect(store.db, a!.id)).toBe('native')
    expect(await jobs.getJobAtAttempt(store.db, a!.id, 1)).toBeUndefined()
    expect(await jobs.getJob(store.db, 'job_missing')).toBeUndefined()
  })

  it('claims due jobs by lane, most overdue first, bumping the attempt; a leased job is not claimed twice', async () => {
    const [submit, poll, later] = await put(
      job({ nextRunAt: T - 10 }),
      job({ status: 'processing', upstreamId: 'up-1', channel: 'c1', lane: 'polls', nextRunAt: T - 20 }),
      job({ nextRunAt: T + 5_000 }),
    )
    expect((await claim({ lane: 'polls' })).map((j) => [j.id, j.attempt, j.leaseOwner])).toEqual([[poll!.id, 1, 'w1']])
    const steps = await claim({ lane: 'steps', owner: 'w2' })
    expect(steps.map((j) => j.id)).toEqual([submit!.id])
    expect(await claim({ lane: 'all', owner: 'w3' })).toEqual([])
    expect((await jobs.laneBacklog(store.db, T + 10_000, 'steps')).depth).toBe(1)
    expect(await jobs.laneBacklog(store.db, T + 10_000, 'steps')).toEqual({ depth: 1, oldestDueAt: later!.nextRunAt })
    // A lease past its expiry is claimed again, with a new fencing token.
    const [again] = await claim({ lane: 'steps', now: T + 120_000, owner: 'w4', limit: 1 })
    expect(again).toMatchObject({ id: submit!.id, attempt: 2, leaseOwner: 'w4' })
  })

  it('refuses a fenced update from a stale attempt or status, and gives leases back per owner', async () => {
    await put(job())
    const [claimed] = await claim()
    expect(await jobs.updateFencedJob(store.db, { ...claimed!, attempt: claimed!.attempt - 1 }, { progress: 50 })).toBe(false)
    expect(await jobs.updateFencedJob(store.db, { ...claimed!, status: 'processing' }, { progress: 50 })).toBe(false)
    expect(await jobs.updateFencedJob(store.db, claimed!, { progress: 50 })).toBe(true)
    expect(await jobs.releaseLeases(store.db, 'someone-else')).toBe(0)
    expect(await jobs.releaseLeases(store.db, 'w1')).toBe(1)
    expect(await jobs.getJob(store.db, claimed!.id)).toMatchObject({ progress: 50, leaseOwner: null, leaseExpiresAt: null })
  })

  it('records a batch of polls in one statement, each fenced on its own attempt', async () => {
    await put(job({ status: 'processing', upstreamId: 'u1', lane: 'polls' }), job({ status: 'processing', upstreamId: 'u2', lane: 'polls' }))
    const [a, b] = await claim({ lane: 'polls' })
    const poll = { progress: 40, pollCount: 1, nextRunAt: T + 9_000 }
    const ok = await jobs.recordPolls(store.db, [
      { job: a!, poll, now: T + 2 },
      { job: { ...b!, attempt: 0 }, poll, now: T + 2 },
    ])
    expect(ok).toEqual([true, false])
    expect(await jobs.getJob(store.db, a!.id)).toMatchObject({ progress: 40, pollCount: 1, nextRunAt: T + 9_000, leaseOwner: null })
    expect(await jobs.getJob(store.db, b!.id)).toMatchObject({ progress: 0, leaseOwner: 'w1' })
    expect(await jobs.recordPolls(store.db, [])).toEqual([])
  })

  it('settles a job exactly once: complete, fail, cancel and the deadline each lose to a decision already made', async () => {
    const [done, failed, cancelled, late] = await put(job(), job(), job(), job({ deadlineAt: T - 1 }))
    const claimed = await claim({ limit: 4 })
    const byId = new Map(claimed.map((j) => [j.id, j]))
    const outputs = [{ key: 'results/x/0.mp4', mime: 'video/mp4', bytes: 1, sha256: 'a', width: 1, height: 1, durationSec: 1, hasAudio: false }]
    expect(await jobs.completeJob(store.db, byId.get(done!.id)!, outputs, T + 3)).toBe(true)
    expect(await jobs.completeJob(store.db, byId.get(done!.id)!, outputs, T + 3)).toBe(false)
    expect(await jobs.failJob(store.db, byId.get(failed!.id)!, { code: 'content_rejected', message: 'no', detail: 'raw' }, T + 3)).toBe(true)
    expect(await jobs.cancelJob(store.db, failed!.id, T + 4)).toBe(false)
    expect(await jobs.cancelJob(store.db, cancelled!.id, T + 4)).toBe(true)
    expect(await jobs.expireJob(store.db, cancelled!, T + 5)).toBe(false)
    expect((await jobs.findExpiredJobs(store.db, T, 10)).map((j) => j.id)).toEqual([late!.id])
    expect(await jobs.expireJob(store.db, late!, T + 5)).toBe(true)
    expect(await jobs.findExpiredJobs(store.db, T, 10)).toEqual([])
    await jobs.setErrorDetail(store.db, done!.id, 'upstream cost exceeded the hold by 5 credits')
    const rows = await Promise.all([done, failed, cancelled, late].map((j) => jobs.getJob(store.db, j!.id)))
    expect(rows.map((r) => [r!.status, r!.errorCode])).toEqual([
      ['succeeded', null],
      ['failed', 'content_rejected'],
      ['cancelled', 'cancelled'],
      ['failed', 'timeout'],
    ])
    expect(rows[0]).toMatchObject({ progress: 100, finishedAt: T + 3, errorDetail: 'upstream cost exceeded the hold by 5 credits' })
    expect(JSON.parse(rows[0]!.outputs!)).toEqual(outputs)
    expect(await jobs.getJobOutputs(store.db, done!.id)).toBe(rows[0]!.outputs)
  })

  it('counts active jobs per account and per channel, and the quota’s unreleased prices', async () => {
    await put(
      job({ status: 'processing', channel: 'c1', upstreamId: 'u1', price: 10 }),
      job({ status: 'queued', channel: 'c1', price: 20 }),
      job({ status: 'succeeded', channel: 'c1', price: 40 }),
      job({ status: 'failed', price: 80 }),
      job({ accountId: 'acct_b', status: 'queued', channel: 'c1', price: 160 }),
    )
    expect(await jobs.countActiveJobs(store.db, 'acct_a')).toBe(2)
    expect(await jobs.countActiveOnChannel(store.db, 'c1')).toBe(3)
    expect(await jobs.countActiveOnChannel(store.db, 'c1', 2)).toBe(2)
    expect(await jobs.sumUnreleasedPrices(store.db, 'acct_a', T)).toBe(70)
  })

  it('keeps the account’s active-job count exact through every status change, from any writer', async () => {
    const counted = async (accountId: string) =>
      Number(
        (
          await store.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('accountId', '=', accountId)
            .where('status', 'in', ['queued', 'processing'])
            .executeTakeFirstOrThrow()
        ).n,
      )
    const expectCount = async (a: number, b: number) => {
      expect([await jobs.countActiveJobs(store.db, 'acct_a'), await jobs.countActiveJobs(store.db, 'acct_b')]).toEqual([a, b])
      expect([await counted('acct_a'), await counted('acct_b')]).toEqual([a, b])
    }
    const [q, p, , other] = await put(job(), job({ status: 'processing' }), job({ status: 'succeeded' }), job({ accountId: 'acct_b' }))
    await expectCount(2, 1)
    await store.db.updateTable('jobs').set({ status: 'processing' }).where('id', '=', q!.id).execute()
    await expectCount(2, 1)
    expect(await jobs.cancelJob(store.db, p!.id, T + 5)).toBe(true)
    await expectCount(1, 1)
    // Several rows of several accounts in one statement, and a finished job made active again.
    await store.db.updateTable('jobs').set({ status: 'failed' }).where('status', 'in', ['queued', 'processing']).execute()
    await expectCount(0, 0)
    await store.db.updateTable('jobs').set({ status: 'queued' }).where('id', '=', other!.id).execute()
    await expectCount(0, 1)
    await store.db.deleteFrom('jobs').where('id', '=', other!.id).execute()
    await expectCount(0, 0)
  })

  it('lists an account’s visible jobs newest first with filters, a cursor and their charges; a deleted job is hidden', async () => {
    const list = jobs.prepareListJobs(store)
    const [one, two, three] = await put(job({ type: 'image' }), job(), job({ status: 'succeeded' }), job({ accountId: 'acct_b' }))
    await store.db.insertInto('ledgerEntries').values({ id: 'led_list_1', accountId: 'acct_a', jobId: one!.id, kind: 'hold', amount: 40, note: null, createdAt: T }).execute()
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id)
    expect(ids(await list('acct_a', { limit: 2 }))).toEqual([three!.id, two!.id, one!.id])
    expect(ids(await list('acct_a', { limit: 5, before: three!.id }))).toEqual([two!.id, one!.id])
    expect(ids(await list('acct_a', { limit: 5, type: 'image' }))).toEqual([one!.id])
    expect(ids(await list('acct_a', { limit: 5, status: 'succeeded' }))).toEqual([three!.id])
    expect(ids(await list('acct_a', { limit: 5, status: 'queued', type: 'video', before: three!.id }))).toEqual([two!.id])
    expect((await list('acct_a', { limit: 5, type: 'image' }))[0]).toMatchObject({ id: one!.id, held: 40, captured: 0, released: 0 })
    expect(await jobs.markJobDeleted(store.db, 'acct_b', two!.id, T + 1)).toBe(false)
    expect(await jobs.markJobDeleted(store.db, 'acct_a', two!.id, T + 1)).toBe(true)
    expect(ids(await list('acct_a', { limit: 5 }))).toEqual([three!.id, one!.id])
    expect(await jobs.getOwnedJob(store.db, 'acct_a', two!.id)).toBeUndefined()
    expect(await jobs.getOwnedJob(store.db, 'acct_a', two!.id, { withDeleted: true })).toMatchObject({ deletedAt: T + 1 })
    await store.db.deleteFrom('ledgerEntries').where('id', '=', 'led_list_1').execute()
  })

  it('wakes the active job a channel knows by its upstream id, and finds a settled one without waking it', async () => {
    const [running, settled] = await put(
      job({ status: 'processing', channel: 'c1', upstreamId: 'u1', nextRunAt: T + 30_000 }),
      job({ status: 'failed', errorCode: 'timeout', channel: 'c1', upstreamId: 'u2' }),
    )
    expect(await jobs.wakeJobByUpstream(store.db, 'c1', 'u1', T + 7)).toBe(true)
    expect(await jobs.getJob(store.db, running!.id)).toMatchObject({ nextRunAt: T + 7 })
    expect(await jobs.wakeJobByUpstream(store.db, 'c2', 'u1', T + 7)).toBe(false)
    expect(await jobs.wakeJobByUpstream(store.db, 'c1', 'u2', T + 7)).toBe(false)
    expect(await jobs.findJobByUpstream(store.db, 'c1', 'u2')).toEqual({ id: settled!.id, status: 'failed', errorCode: 'timeout' })
  })
})
