/**
 * R9: webhook deliveries per second. Reelay's dispatcher (claim, render the dialect's payload,
 * sign, POST through the SSRF guard, record the attempt durably) against plain undici POSTs of a
 * payload of the same size at the same concurrency, to the same receiver, in alternating rounds.
 *
 *   receiver  node:http on 127.0.0.1 that answers every POST with 200 `{}` (its own process)
 *   direct    undici `request` POSTs, REELAY_WEBHOOK_CONCURRENCY at once (its own process)
 *   reelay    a runtime on a fresh SQLite data dir (synchronous=FULL): N jobs submitted with the
 *             receiver as their webhookUrl and cancelled through the job service, which queues
 *             N `job.cancelled` deliveries; then the dispatcher alone runs until all are delivered
 *
 * Only the delivery window is timed (from `dispatcher.start()` to the last `delivered` row; the
 * direct run from its first to its last answer), with the process's CPU over the same window.
 *
 *   npx tsx bench/webhooks.ts [--n 5000] [--rounds 2] [--concurrency 16]   (BENCH_CPU_PROF=<dir> profiles the Reelay process, BENCH_WINDOW_PROF=<file> only its delivery window; BENCH_SQL_TIMES=<file> times its SQLite statements)
 *
 * Prints a markdown table and writes `bench/results/webhooks-<date>.json`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { BENCH_DIR, BENCH_PRICES, freePort, isMain, median, round, sleep, startChild, stopChild, windowProfiler } from './common.js'

export interface WebhookRound {
  perSec: number
  cpuUsPerDelivery: number
  delivered: number
  seconds: number
  /** Reelay: the mean size of the payloads it rendered (the direct run sends 600 bytes). */
  payloadBytes?: number
}

export interface WebhooksResult {
  n: number
  rounds: number
  concurrency: number
  direct: WebhookRound[]
  reelay: WebhookRound[]
  summary: { directPerSec: number; reelayPerSec: number; ratio: { median: number; min: number; max: number }; directCpuUs: number; reelayCpuUs: number }
}

const cpuUs = () => {
  const c = process.cpuUsage()
  return c.user + c.system
}

// ---- children ------------------------------------------------------------------------------------
async function receiver(): Promise<void> {
  const port = await freePort()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 })
      res.end('{}')
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  process.on('SIGTERM', () => process.exit(0))
  console.log(`ready ${JSON.stringify({ port })}`)
}

async function direct(url: string, n: number, concurrency: number, bytes: number): Promise<void> {
  const { request, Agent } = await import('undici')
  const dispatcher = new Agent({ connections: concurrency })
  const body = JSON.stringify({ event: 'job.cancelled', pad: 'x'.repeat(Math.max(0, bytes - 40)) })
  console.log('ready {}')
  let next = 0
  let delivered = 0
  const t0 = performance.now()
  const c0 = cpuUs()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++
        const res = await request(url, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json', 'user-agent': 'bench' }, body })
        await res.body.dump()
        if (res.statusCode === 200) delivered++
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  const round_: WebhookRound = { perSec: round(delivered / seconds, 0), cpuUsPerDelivery: round((cpuUs() - c0) / delivered, 1), delivered, seconds: round(seconds, 2) }
  console.log(`result ${JSON.stringify(round_)}`)
  await dispatcher.close()
  process.exit(0)
}

async function reelay(url: string, n: number, dataDir: string): Promise<void> {
  const { loadConfig } = await import('../src/config.js')
  const { createRuntime } = await import('../src/runtime.js')
  const pino = (await import('pino')).default
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(path.join(dataDir, 'prices.json'), JSON.stringify(BENCH_PRICES))
  const config = loadConfig({ ...process.env, REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'silent', REELAY_ALLOW_PRIVATE_URLS: 'true' })
  const rt = await createRuntime(config, { logger: pino({ level: 'silent' }) })
  await rt.accounts.create('bench', 'bench', 1e12)
  const { key } = await rt.accounts.createKey('bench', null)
  const auth = (await rt.accounts.authenticate(key))!
  // Queued through the job service as a customer's cancels queue them (the worker never runs).
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, (_, j) => i + j)
    await Promise.all(
      batch.map(async (k) => {
        const { job } = await rt.jobs.submit({ auth, dialect: 'native', type: 'image', input: { prompt: `webhook bench ${k}` }, webhookUrl: url })
        await rt.jobs.cancel(auth.accountId, job.id)
      }),
    )
  }
  const pending = rt.store.prepareFirst<{ n: number }>(`select count(*) as "n" from webhook_deliveries where status = 'pending'`)
  console.log('ready {}')
  const t0 = performance.now()
  const c0 = cpuUs()
  const prof = windowProfiler(process.env.BENCH_WINDOW_PROF)
  await prof.start()
  // BENCH_SQL_TIMES then times the deliveries, not the set-up (see sql-timing.mjs).
  ;(process.emit as (event: string) => boolean)('benchSqlReset')
  rt.dispatcher.start()
  while (Number((await pending([]))?.n ?? 0) > 0) await sleep(5)
  const seconds = (performance.now() - t0) / 1000
  const cpu = cpuUs() - c0
  await prof.stop()
  const delivered = Number(
    (
      await rt.store.db
        .selectFrom('webhookDeliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'delivered')
        .executeTakeFirstOrThrow()
    ).n,
  )
  const size = await rt.store.prepareFirst<{ b: number }>('select avg(length(payload)) as "b" from webhook_deliveries')([])
  const r: WebhookRound = { perSec: round(delivered / seconds, 0), cpuUsPerDelivery: round(cpu / delivered, 1), delivered, seconds: round(seconds, 2), payloadBytes: Math.round(size?.b ?? 0) }
  console.log(`result ${JSON.stringify(r)}`)
  await rt.dispatcher.stop()
  await rt.close()
  process.exit(0)
}

// ---- parent --------------------------------------------------------------------------------------
export async function runWebhooks(opts: { n: number; rounds: number; concurrency: number }): Promise<WebhooksResult> {
  const log = (s: string) => process.stderr.write(`webhooks: ${s}\n`)
  const recv = await startChild<{ port: number }>('webhooks.ts', ['receiver'])
  const url = `http://127.0.0.1:${recv.ready.port}/hook`
  const env = { REELAY_WEBHOOK_CONCURRENCY: String(opts.concurrency) }
  const got: Record<'direct' | 'reelay', WebhookRound[]> = { direct: [], reelay: [] }
  try {
    for (let r = 0; r < opts.rounds; r++) {
      // Alternating order, so a change in background load falls on both.
      for (const target of r % 2 === 0 ? (['direct', 'reelay'] as const) : (['reelay', 'direct'] as const)) {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelay-bench-webhooks-'))
        try {
          const args = target === 'direct' ? ['direct', url, String(opts.n), String(opts.concurrency), '600'] : ['reelay', url, String(opts.n), dataDir]
          const prof = target === 'reelay' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
          if (target === 'reelay' && process.env.BENCH_SQL_TIMES) prof.push('--import', pathToFileURL(path.join(BENCH_DIR, 'sql-timing.mjs')).href)
          const child = await startChild<Record<string, unknown>>('webhooks.ts', args, { env, timeoutMs: 600_000, execArgv: prof })
          await child.exited
          const res = child.results[0] as WebhookRound | undefined
          if (!res) throw new Error(`${target} gave no result`)
          got[target].push(res)
          log(`round ${r + 1}/${opts.rounds} ${target}: ${res.perSec}/s, ${res.cpuUsPerDelivery} µs CPU per delivery`)
        } finally {
          rmSync(dataDir, { recursive: true, force: true })
        }
      }
    }
  } finally {
    await stopChild(recv)
  }
  const ratios = got.reelay.map((x, i) => x.perSec / got.direct[i]!.perSec)
  return {
    ...opts,
    ...got,
    summary: {
      directPerSec: Math.round(median(got.direct.map((x) => x.perSec))),
      reelayPerSec: Math.round(median(got.reelay.map((x) => x.perSec))),
      ratio: { median: round(median(ratios), 3), min: round(Math.min(...ratios), 3), max: round(Math.max(...ratios), 3) },
      directCpuUs: Math.round(median(got.direct.map((x) => x.cpuUsPerDelivery))),
      reelayCpuUs: Math.round(median(got.reelay.map((x) => x.cpuUsPerDelivery))),
    },
  }
}

export function webhooksTable(r: WebhooksResult): string {
  const s = r.summary
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**')
  return [
    '| Target | Deliveries/s median (rounds) | µs CPU per delivery | Ratio to direct (median, range) | Target | Verdict |',
    '|---|---|---|---|---|---|',
    `| direct undici POST | ${s.directPerSec.toLocaleString('en-US')} (${r.direct.map((x) => x.perSec.toLocaleString('en-US')).join(', ')}) | ${s.directCpuUs} | 1 | — | |`,
    `| Reelay dispatcher | ${s.reelayPerSec.toLocaleString('en-US')} (${r.reelay.map((x) => x.perSec.toLocaleString('en-US')).join(', ')}) | ${s.reelayCpuUs} | ${s.ratio.median} (${s.ratio.min}–${s.ratio.max}) | ≥ 5,000/s and ≥ 0.3× | ${verdict(s.reelayPerSec >= 5_000)} / ${verdict(s.ratio.median >= 0.3)} |`,
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const [mode, ...rest] = process.argv.slice(2)
  if (mode === 'receiver') await receiver()
  else if (mode === 'direct') await direct(rest[0]!, Number(rest[1]), Number(rest[2]), Number(rest[3]))
  else if (mode === 'reelay') await reelay(rest[0]!, Number(rest[1]), rest[2]!)
  else {
    const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '16' } } })
    const res = await runWebhooks({ n: Number(values.n), rounds: Number(values.rounds), concurrency: Number(values.concurrency) })
    const out = path.join(BENCH_DIR, 'results', `webhooks-${new Date().toISOString().slice(0, 10)}.json`)
    mkdirSync(path.dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify(res, null, 2))
    console.log(webhooksTable(res))
  }
}
