import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledger } from '../../src/ledger/ledger.js'
import { findLedgerMismatches } from '../../src/ledger/doctor.js'
import { createHarness, TEST_DB, type Harness } from '../support/harness.js'
import type { LightMyRequestResponse } from 'fastify'

/**
 * Another process writing to the same database while the API serves: the operator CLI, or a
 * second server on one data dir. Before write transactions began IMMEDIATE, a submit that had
 * read before its first write failed at once with SQLITE_BUSY(_SNAPSHOT), a 500.
 */

// A plan with room for every submit, so only the database decides the answers.
const LOAD_PLAN = { plans: { load: { name: 'Load', requestsPerMinute: 1_000_000, maxActiveJobs: 1_000_000, monthlyCreditQuota: null } } }

/**
 * The second writer on SQLite: its own connection in its own thread (as another process would
 * be), granting 1 credit per transaction and holding the write lock ~2 ms of every ~3, until
 * told to stop. It writes through raw SQL so it exercises our side only.
 */
const SQLITE_WRITER = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 5000')
const flag = new Int32Array(workerData.stop)
const grant = db.prepare('update accounts set balance = balance + 1 where id = ?')
const entry = db.prepare("insert into ledger_entries (id, account_id, job_id, kind, amount, note, created_at) values (?, ?, null, 'grant', 1, 'second writer', ?)")
let n = 0
parentPort.postMessage('started')
while (Atomics.load(flag, 0) === 0) {
  db.exec('begin immediate')
  grant.run(workerData.accountId)
  entry.run('led_second_writer_' + n, workerData.accountId, Date.now())
  const until = Date.now() + 2
  while (Date.now() < until) {}
  db.exec('commit')
  n++
  Atomics.wait(flag, 0, 0, 1)
}
db.close()
parentPort.postMessage(n)
`

interface SecondWriter {
  /** Stops the writer; resolves with how many grants it committed. */
  stop(): Promise<number>
}

async function startSqliteWriter(file: string, accountId: string): Promise<SecondWriter> {
  const stop = new SharedArrayBuffer(4)
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(SQLITE_WRITER, { eval: true, workerData: { file, accountId, stop, driver } })
  const messages: unknown[] = []
  let wake: (() => void) | null = null
  worker.on('message', (m) => {
    messages.push(m)
    wake?.()
  })
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((r) => (wake = r))
    return messages.shift()
  }
  expect(await next()).toBe('started')
  return {
    async stop() {
      Atomics.store(new Int32Array(stop), 0, 1)
      const n = (await next()) as number
      await worker.terminate()
      return n
    },
  }
}

/** The second writer on PostgreSQL: another connection granting in short transactions. */
async function startPgWriter(url: string, accountId: string): Promise<SecondWriter> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  let stopping = false
  let n = 0
  const loop = (async () => {
    while (!stopping) {
      await client.query('begin')
      await client.query('update accounts set balance = balance + 1 where id = $1', [accountId])
      await client.query("insert into ledger_entries (id, account_id, job_id, kind, amount, note, created_at) values ($1, $2, null, 'grant', 1, 'second writer', $3)", [`led_second_writer_${n}`, accountId, Date.now()])
      await client.query('select pg_sleep(0.002)')
      await client.query('commit')
      n++
    }
  })()
  return {
    async stop() {
      stopping = true
      await loop
      await client.end()
      return n
    },
  }
}

/** The answer is a success, or a 503 service_busy with Retry-After; never anything else. */
function expectSuccessOrBusy(res: LightMyRequestResponse): 'ok' | 'busy' {
  if (res.statusCode === 503) {
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'service_busy' } })
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    return 'busy'
  }
  expect(res.statusCode, res.body).toBe(202)
  return 'ok'
}

describe('a second writer on the same database while submits run', () => {
  let h: Harness
  const plans = mkdtempSync(path.join(tmpdir(), 'reelay-plans-'))
  beforeAll(async () => {
    writeFileSync(path.join(plans, 'prices.json'), JSON.stringify(LOAD_PLAN))
    h = await createHarness({ env: { REELAY_PRICES_FILE: path.join(plans, 'prices.json') } })
  })
  afterAll(async () => {
    await h?.close()
    rmSync(plans, { recursive: true, force: true })
  })

  it('never turns a submit into a 500, and the ledger stays exact', async () => {
    const c = await h.customer(1_000_000, 'load')
    const writer = TEST_DB === 'postgres' ? await startPgWriter(h.config.DATABASE_URL!, c.account.id) : await startSqliteWriter(path.join(h.dir, 'reelay.db'), c.account.id)
    const outcomes: ('ok' | 'busy')[] = []
    let granted = 0
    try {
      // Several at a time, as concurrent clients would; each submit reads (key, limits) then writes.
      for (let batch = 0; batch < 20; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': `sw-${batch}-${i}` }, payload: { prompt: 'a lighthouse in fog' } }),
          ),
        )
        outcomes.push(...answers.map(expectSuccessOrBusy))
      }
    } finally {
      granted = await writer.stop()
    }
    expect(outcomes).toHaveLength(100)
    expect(granted).toBeGreaterThan(0)
    // With write transactions begun as writes, the 5 s busy timeout absorbs a writer this busy.
    expect(outcomes.filter((o) => o === 'busy')).toEqual([])
    const held = outcomes.filter((o) => o === 'ok').length * 20
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 1_000_000 + granted, reserved: held, available: 1_000_000 + granted - held })
    expect(await findLedgerMismatches(h.rt.store.db)).toEqual([])
  })
})

describe.runIf(TEST_DB === 'sqlite')('a write lock held past the busy timeout', () => {
  let h: Harness
  let other: SQLite.Database
  beforeAll(async () => {
    h = await createHarness({ env: { REELAY_SQLITE_BUSY_TIMEOUT_MS: '50' } })
    other = new SQLite(path.join(h.dir, 'reelay.db'))
  })
  afterAll(async () => {
    other?.close()
    await h?.close()
  })

  const video = { prompt: 'a glass train on a snowy bridge' }
  const dialects: [string, string, Record<string, string>, object, (body: unknown) => void][] = [
    ['native', '/v1/videos/generate', {}, { ...video, duration: 4 }, (b) => expect(b).toEqual({ ok: false, error: { code: 'service_busy', message: expect.any(String), requestId: expect.any(String) } })],
    ['tasks (001)', '/api/v1/video/seedance', {}, { mode: 'text-to-video', ...video, duration: '5' }, (b) => expect(b).toEqual({ error: { code: 'service_busy', message: expect.any(String), requestId: expect.any(String) } })],
    ['jobs (002)', '/api/v1/jobs/createTask', {}, { model: 'seedance2', inputs: { ...video, duration: '5s' } }, (b) => expect(b).toMatchObject({ code: 'service_busy', status: 503, error: expect.any(String) })],
    ['open (004)', '/api/open/v1/video/generations', {}, { ...video, duration: 5 }, (b) => expect(b).toEqual({ success: false, error: { code: 'service_busy', message: expect.any(String) } })],
    ['openai', '/v1/videos', {}, { ...video, seconds: '4' }, (b) => expect(b).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: 'service_busy' } })],
  ]

  it.each(dialects)('answers 503 service_busy with Retry-After in the %s shape, and charges nothing', async (_name, url, headers, payload, shape) => {
    const c = await h.customer(1_000)
    const key = `busy-${url}`
    other.exec('begin immediate')
    let res: LightMyRequestResponse
    try {
      res = await h.app.inject({ method: 'POST', url, headers: { ...c.auth, ...headers, 'content-type': 'application/json', 'idempotency-key': key }, payload: JSON.stringify(payload) })
    } finally {
      other.exec('rollback')
    }
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('1')
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
    shape(res.json())
    expect(res.body).not.toMatch(/SQLITE|database is locked/i)
    expect(await ledger.figures(h.rt.store.db, c.account.id)).toEqual({ balance: 1_000, reserved: 0, available: 1_000 })
    // Nothing was recorded: the same request, retried once the lock is gone, is a first submit.
    const retry = await h.app.inject({ method: 'POST', url, headers: { ...c.auth, ...headers, 'content-type': 'application/json', 'idempotency-key': key }, payload: JSON.stringify(payload) })
    expect(retry.statusCode).toBeLessThan(300)
    expect((await ledger.figures(h.rt.store.db, c.account.id))!.reserved).toBeGreaterThan(0)
  })
})
