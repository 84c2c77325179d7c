/**
 * Profiles one Reelay HTTP scenario: starts `servers.ts reelay` with `--cpu-prof`, loads it
 * with autocannon (3 s warm-up, 10 s measured), stops it and prints `profile-summary.ts`.
 *
 *   npx tsx bench/profile-http.ts poll|submit [FULL|NORMAL]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { freePort, startChild, stopChild } from './common.js'
import { summarize } from './profile-summary.js'

const scenario = process.argv[2] === 'submit' ? 'submit' : 'poll'
const sync = process.argv[3] === 'NORMAL' ? 'NORMAL' : 'FULL'
const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-prof-data-'))
const profDir = mkdtempSync(path.join(tmpdir(), 'reelay-prof-'))
const port = await freePort()
const srv = await startChild<{ key: string; jobIds: string[] }>('servers.ts', ['reelay', String(port), dataDir], {
  env: { REELAY_SQLITE_SYNCHRONOUS: sync },
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
})
let i = 0
const ids = srv.ready.jobIds
const opts: autocannon.Options =
  scenario === 'poll'
    ? {
        url: `http://127.0.0.1:${port}/v1/jobs/${ids[0]}`,
        connections: 100,
        pipelining: 10,
        headers: { authorization: `Bearer ${srv.ready.key}` },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/jobs/${ids[i++ % ids.length]}` }) }],
      }
    : {
        url: `http://127.0.0.1:${port}/v1/images/generate`,
        connections: 100,
        pipelining: 1,
        method: 'POST',
        headers: { authorization: `Bearer ${srv.ready.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a lighthouse on a cliff at sunrise, oil painting' }),
        requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `prof-${++i}` } }) }],
      }
await autocannon({ ...opts, duration: 3 })
const r = await autocannon({ ...opts, duration: 10 })
console.error(`${scenario} ${sync}: ${r.requests.p50} req/s (median 1 s bucket), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`)
await stopChild(srv)
// The main thread's profile is the largest file (the tsx loader thread writes its own).
const files = readdirSync(profDir).map((f) => path.join(profDir, f))
const main = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!
console.log(summarize(JSON.parse(readFileSync(main, 'utf8')), 30))
console.error(`profile: ${main}`)
rmSync(dataDir, { recursive: true, force: true })
