/**
 * Cost per call of the worker's and the submit path's hot SQLite queries as the jobs table
 * grows: as Kysely compiles them today (statuses as bound parameters) against the same SQL
 * with the statuses written as literals. SQLite uses a partial index (`WHERE status IN
 * ('queued', 'processing')`) only when the query repeats that condition with literal values,
 * so with bound parameters the claim, the deadline sweep and both active-job counts scan.
 *
 *   npx tsx bench/sqlite-queries.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { createRuntime } from '../src/runtime.js'
import { isMain, median, round } from './common.js'

const STATUSES = ['queued', 'processing']
const IN_STATUS = /"status" in \(\?, \?\)/g

/** The same query with every `"status" in (?, ?)` written with literal statuses. */
function literal(q: { sql: string; parameters: readonly unknown[] }) {
  const ranges = [...q.sql.matchAll(IN_STATUS)].map((m) => [m.index, m.index + m[0].length] as const)
  const parameters: unknown[] = []
  let i = 0
  for (let at = q.sql.indexOf('?'); at >= 0; at = q.sql.indexOf('?', at + 1)) {
    const v = q.parameters[i++]
    if (ranges.some(([a, b]) => at > a && at < b)) {
      if (typeof v !== 'string' || !STATUSES.includes(v)) throw new Error(`unexpected status parameter ${String(v)}`)
    } else parameters.push(v)
  }
  return { sql: q.sql.replace(IN_STATUS, `"status" in ('queued', 'processing')`), parameters }
}

export async function runSqliteQueries(sizes = [2_000, 10_000, 50_000], log: (s: string) => void = console.error) {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelay-sqlq-'))
  const rt = await createRuntime(loadConfig({ REELAY_DATA_DIR: dir, REELAY_LOG_LEVEL: 'silent', REELAY_SQLITE_SYNCHRONOUS: 'NORMAL' }), { logger: pino({ level: 'silent' }) })
  await rt.accounts.create('acct', 'default', 1e12)
  const auth = (await rt.accounts.authenticate((await rt.accounts.createKey('acct', null)).key))!
  // One real job, copied below, so every column holds what the service writes.
  const { job } = await rt.jobs.submit({ auth, dialect: 'native', type: 'video', model: 'seedance-2.0', input: { prompt: 'a template clip' }, idempotencyKey: 'tpl', fingerprint: 'tpl' })
  const db = rt.store.db
  const now = 1_900_000_000_000
  // The same query builders as src/jobs/claim.ts, src/providers/index.ts (countActive),
  // src/jobs/job-service.ts (active jobs of the account) and the deadline sweep.
  const queries = {
    claim: db
      .updateTable('jobs')
      .set((eb) => ({ leaseOwner: 'bench', leaseExpiresAt: now + 120_000, attempt: eb('attempt', '+', 1), updatedAt: now }))
      .where(
        'id',
        'in',
        db
          .selectFrom('jobs')
          .select('id')
          .where('status', 'in', ['queued', 'processing'])
          .where('nextRunAt', '<=', now)
          .where((eb) => eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<', now)]))
          .orderBy('nextRunAt')
          .limit(1),
      )
      .where('status', 'in', ['queued', 'processing'])
      .returningAll()
      .compile(),
    channelCount: db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('channel', '=', 'ark-bench').where('status', 'in', ['queued', 'processing']).compile(),
    accountActiveCount: db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('accountId', '=', job.accountId).where('status', 'in', ['queued', 'processing']).compile(),
    deadlineSweep: db.selectFrom('jobs').selectAll().where('status', 'in', ['queued', 'processing']).where('deadlineAt', '<', now).limit(100).compile(),
  }
  await rt.close()

  const sqlite = new SQLite(path.join(dir, 'reelay.db'))
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  const cols = (sqlite.prepare('select * from jobs limit 1').columns() as { name: string }[]).map((c) => c.name)
  const varying = ['id', 'status', 'next_run_at', 'channel', 'upstream_id', 'deadline_at']
  const insert = sqlite.prepare(`insert into jobs (${cols.join(',')}) select ${cols.map((c) => (varying.includes(c) ? `@${c}` : c)).join(',')} from jobs where id = @tpl`)
  const plans: Record<string, { bound: string; literal: string }> = {}
  const out: Record<string, number>[] = []
  let have = 1
  for (const n of sizes) {
    // Half the rows are history (succeeded): a real table keeps its finished jobs.
    sqlite.transaction(() => {
      for (let i = have; i < n; i++) {
        const active = i % 2 === 0
        insert.run({ id: `job_bench_${i}`, status: active ? 'processing' : 'succeeded', next_run_at: now + 60_000 + i, channel: 'ark-bench', upstream_id: `cgt-${i}`, deadline_at: now + 1_800_000, tpl: job.id })
      }
    })()
    have = n
    sqlite.exec('analyze')
    const row: Record<string, number> = { rows: n, active: Math.floor(n / 2) }
    for (const [name, q] of Object.entries(queries)) {
      const lit = literal(q)
      const time = (text: string, params: readonly unknown[]) => {
        const stmt = sqlite.prepare(text)
        // The claim and the sweep find nothing due: this is the cost of looking.
        const call = () => (stmt.reader ? stmt.all(...(params as unknown[])) : stmt.run(...(params as unknown[])))
        for (let i = 0; i < 3; i++) call()
        const runs: number[] = []
        for (let r = 0; r < 5; r++) {
          const k = Math.max(3, Math.min(200, Math.round(200_000 / n)))
          const t = performance.now()
          for (let i = 0; i < k; i++) call()
          runs.push(((performance.now() - t) * 1000) / k)
        }
        return round(median(runs), 1)
      }
      row[`${name}UsBound`] = time(q.sql, q.parameters)
      row[`${name}UsLiteral`] = time(lit.sql, lit.parameters)
      const plan = (text: string, params: readonly unknown[]) =>
        (sqlite.prepare(`explain query plan ${text}`).all(...(params as unknown[])) as { detail: string }[]).map((r) => r.detail).join(' | ')
      plans[name] = { bound: plan(q.sql, q.parameters), literal: plan(lit.sql, lit.parameters) }
    }
    log(`sqlite: ${JSON.stringify(row)}`)
    out.push(row)
  }
  sqlite.close()
  rmSync(dir, { recursive: true, force: true })
  return {
    note: 'µs per call, median of 5 batches; half of the rows active (processing), half history (succeeded), all on one account and one channel; the claim and the deadline sweep find nothing due (the cost of looking). "literal" = the same SQL with the status values inlined.',
    sql: Object.fromEntries(Object.entries(queries).map(([k, q]) => [k, q.sql])),
    plansAtLargest: plans,
    sizes: out,
  }
}

export type SqliteQueriesResult = Awaited<ReturnType<typeof runSqliteQueries>>

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runSqliteQueries(), null, 2))
}
