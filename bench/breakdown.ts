/**
 * Where the time of a status poll (R1) and of a submit (R3) goes, measured in one process (no
 * sockets, no load generator, so it is steady on a shared machine):
 *  - poll: the whole route through Fastify `inject` next to a Fastify hello route with a
 *    response schema (B1's route), then the pieces the route calls, each in a loop;
 *  - submit: `rt.jobs.submit` in a loop on one account (synchronous=FULL), with the wall time
 *    spent in each SQLite statement (better-sqlite3's Statement methods wrapped, bench only),
 *    and the cost of the first and the last 500 submits as the account's table grows.
 *
 *   npx tsx bench/breakdown.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import SQLite from 'better-sqlite3'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import pino from 'pino'
import { buildApp } from '../src/api/app.js'
import { presentJob } from '../src/api/dialects/native/present.js'
import { loadConfig } from '../src/config.js'
import { newId } from '../src/domain/ids.js'
import { createRuntime } from '../src/runtime.js'
import { BENCH_PRICES, isMain, median, round } from './common.js'

/** Wall time per SQL text inside better-sqlite3 while `fn` runs. */
async function sqlTimes<T>(fn: () => Promise<T>): Promise<{ result: T; statements: { sql: string; calls: number; usPerCall: number; totalMs: number }[] }> {
  const probe = new SQLite(':memory:')
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>
  probe.close()
  const seen = new Map<string, { calls: number; ms: number }>()
  const saved = new Map<string, (...a: unknown[]) => unknown>()
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const orig = proto[m]!
    saved.set(m, orig)
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      const t = performance.now()
      try {
        return orig.apply(this, args)
      } finally {
        const k = this.source.replace(/\s+/g, ' ').slice(0, 160)
        const e = seen.get(k) ?? { calls: 0, ms: 0 }
        e.calls++
        e.ms += performance.now() - t
        seen.set(k, e)
      }
    }
  }
  try {
    const result = await fn()
    const statements = [...seen]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 8)
      .map(([sql, v]) => ({ sql, calls: v.calls, usPerCall: Math.round((v.ms * 1000) / v.calls), totalMs: Math.round(v.ms) }))
    return { result, statements }
  } finally {
    for (const [m, f] of saved) proto[m] = f
  }
}

/**
 * A loop of awaited calls never reaches the event loop's check phase, so the setImmediate
 * callbacks a request schedules (Fastify's and Node's stream clean-up after an inject) pile up
 * with everything they hold, and garbage collection of that heap was billed to the call: the
 * loop yields to them every 100 calls, as a server between requests does.
 */
async function perCallUs(fn: () => unknown, n: number): Promise<number> {
  const loop = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await fn()
      if (i % 100 === 99) await new Promise<void>((r) => setImmediate(r))
    }
  }
  await loop(Math.min(2_000, n))
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t = performance.now()
    await loop(n)
    runs.push(((performance.now() - t) * 1000) / n)
  }
  return round(median(runs), 1)
}

export async function runBreakdown(submits = 3_000) {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelay-r1-'))
  writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(BENCH_PRICES))
  const rt = await createRuntime(loadConfig({ REELAY_DATA_DIR: dir, REELAY_LOG_LEVEL: 'silent' }), { logger: pino({ level: 'silent' }) })
  await rt.accounts.create('bench', 'bench', 1e12)
  const { key } = await rt.accounts.createKey('bench', null)
  const auth = (await rt.accounts.authenticate(key))!
  const ids: string[] = []
  for (let i = 0; i < 1_000; i++) ids.push((await rt.jobs.submit({ auth, dialect: 'native', type: 'image', input: { prompt: `picture ${i}` }, idempotencyKey: `k${i}`, fingerprint: `f${i}` })).job.id)
  const app = await buildApp(rt.appDeps, { logger: false })
  await app.ready()
  const hello = Fastify({ logger: false })
  hello.get('/', { schema: { response: { 200: { type: 'object', properties: { hello: { type: 'string' } } } } } }, async () => ({ hello: 'world' }))
  await hello.ready()
  const headers = { authorization: `Bearer ${key}` }
  let i = 0
  const job = (await rt.jobs.get(auth.accountId, ids[0]!))!
  const poll = {
    injectHelloUs: await perCallUs(() => hello.inject({ method: 'GET', url: '/' }), 5_000),
    injectPollUs: await perCallUs(() => app.inject({ method: 'GET', url: `/v1/jobs/${ids[i++ % ids.length]}`, headers }), 5_000),
    authenticateUs: await perCallUs(() => rt.accounts.authenticate(key), 20_000),
    limiterUs: await perCallUs(() => rt.appDeps.limiter.consume(auth.accountId, 100_000_000), 20_000),
    jobsGetUs: await perCallUs(() => rt.jobs.get(auth.accountId, ids[i++ % ids.length]!), 20_000),
    presentJobUs: await perCallUs(() => JSON.stringify(presentJob(job)), 20_000),
    newRequestIdSameMsUs: await perCallUs(() => newId('req'), 20_000),
    // A new millisecond draws a fresh random part (16 bytes from a pooled CSPRNG buffer).
    newRequestIdNewMsUs: await perCallUs(() => newId('req', Date.now() + ++i), 5_000),
    responseBytes: (await app.inject({ method: 'GET', url: `/v1/jobs/${ids[0]}`, headers })).body.length,
  }
  await app.close()
  // Submits: the same account as the 1,000 queued jobs above; nothing ever finishes.
  const walls: number[] = []
  const { statements } = await sqlTimes(async () => {
    for (let k = 0; k < submits; k++) {
      const t = performance.now()
      await rt.jobs.submit({ auth, dialect: 'native', type: 'image', input: { prompt: `submit ${k}` }, idempotencyKey: `s${k}`, fingerprint: `s${k}` })
      walls.push((performance.now() - t) * 1000)
    }
  })
  const first = walls.slice(0, 500)
  const last = walls.slice(-500)
  await rt.close()
  rmSync(dir, { recursive: true, force: true })
  return {
    poll: { ...poll, note: 'µs per call in one process, median of 5 loops; inject skips sockets and HTTP parsing, so it isolates the application path' },
    submit: {
      synchronous: rt.config.REELAY_SQLITE_SYNCHRONOUS,
      submits,
      firstUsMedian: Math.round(median(first)),
      lastUsMedian: Math.round(median(last)),
      activeJobsAtEnd: 1_000 + submits,
      statements,
      note: 'one account, sequential submits; µs per submit for the first and last 500; SQLite wall time per statement over all submits',
    },
  }
}

export type BreakdownResult = Awaited<ReturnType<typeof runBreakdown>>

if (isMain(import.meta.url)) console.log(JSON.stringify(await runBreakdown(), null, 2))
