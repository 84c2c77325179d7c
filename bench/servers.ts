/**
 * The servers the HTTP benchmark loads, each in its own process (started by `http.ts`), so the
 * load generator never shares their event loop:
 *
 *   node --import tsx bench/servers.ts node|fastify|reelay <port> [dataDir]
 *
 * Prints one line `ready <json>` once listening. For `reelay` the JSON carries the API key and
 * the ids of the queued jobs the status-poll scenario reads.
 */
import http from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Fastify from 'fastify'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { buildApp } from '../src/api/app.js'
import { createRuntime } from '../src/runtime.js'
import { BENCH_PRICES } from './common.js'

// A clean exit on SIGTERM, so `--cpu-prof` gets to write its profile.
process.on('SIGTERM', () => process.exit(0))

const [kind, portArg, dataDir] = process.argv.slice(2)
const port = Number(portArg)
const POLL_JOBS = Number(process.env.BENCH_POLL_JOBS ?? 1_000)

if (kind === 'node') {
  const body = JSON.stringify({ hello: 'world' })
  http
    .createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body))
    .listen(port, '127.0.0.1', () => console.log('ready {}'))
} else if (kind === 'fastify') {
  const app = Fastify({ logger: false })
  app.get('/', { schema: { response: { 200: { type: 'object', properties: { hello: { type: 'string' } } } } } }, async () => ({ hello: 'world' }))
  await app.listen({ port, host: '127.0.0.1' })
  console.log('ready {}')
} else if (kind === 'reelay') {
  if (!dataDir) throw new Error('reelay needs a data dir')
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(path.join(dataDir, 'prices.json'), JSON.stringify(BENCH_PRICES))
  // The worker is never started: submitted jobs stay queued, so polls read stable rows and
  // submits measure only the API path (validate, hold credits, insert, commit).
  const config = loadConfig({ ...process.env, REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'silent', PORT: String(port), HOST: '127.0.0.1' })
  const rt = await createRuntime(config, { logger: pino({ level: 'silent' }) })
  await rt.accounts.create('bench', 'bench', 1e12)
  const { key } = await rt.accounts.createKey('bench', null)
  const auth = (await rt.accounts.authenticate(key))!
  const jobIds: string[] = []
  for (let i = 0; i < POLL_JOBS; i++) {
    const { job } = await rt.jobs.submit({ auth, dialect: 'native', type: 'image', input: { prompt: `a benchmark picture ${i}` }, idempotencyKey: `seed-${i}`, fingerprint: `seed-${i}` })
    jobIds.push(job.id)
  }
  const app = await buildApp(rt.appDeps, { logger: false })
  await app.listen({ port, host: '127.0.0.1' })
  console.log(`ready ${JSON.stringify({ key, jobIds, synchronous: config.REELAY_SQLITE_SYNCHRONOUS })}`)
} else {
  throw new Error(`unknown server kind ${kind}`)
}
