import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { discoverRoutes, dialectsForPath, type FuzzRoute } from './support/routes.js'
import { answerProblems, chargeSnapshot, isRejected, knownDefect, type Answer } from './support/fuzz-check.js'
import { rawRequest } from './support/raw-http.js'

/**
 * What `inject` cannot express, over a real socket: broken request lines, oversized and
 * malformed headers, bad framing, raw bytes in URLs, absolute and asterisk forms, pipelining.
 * Seeded; REELAY_FUZZ_RUNS scales it with the in-process fuzzer (a tenth of its runs).
 */
const RUNS = Math.max(50, Math.ceil(Number(process.env.REELAY_FUZZ_RUNS ?? 2_000) / 10))
const SEED = Number(process.env.REELAY_FUZZ_SEED ?? 12_012)

let h: Harness
let port: number
let routes: FuzzRoute[]
let key: string
const stats = { requests: 0, silent: 0, known: new Map<number, number>() }

beforeAll(async () => {
  h = await createHarness({ env: { REELAY_SYNC_WAIT_MS: '0' } })
  key = (await h.customer(1_000_000, 'pro')).key
  routes = await discoverRoutes(h.app)
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  port = (h.app.server.address() as AddressInfo).port
})

afterAll(async () => {
  await h?.close()
  const known = [...stats.known].map(([i, n]) => `item ${i}: ${n}`).join(', ') || 'none'
  console.info(`http abuse: ${stats.requests} raw requests (${stats.silent} closed without an answer), known defects hit: ${known}`)
})

interface Abuse {
  name: string
  /** The request line target the answer is judged by (its dialect). */
  target(path: string): string
  bytes(path: string, auth: string): string | Buffer
}

const line = (method: string, target: string, headers: string[], body = '') => `${method} ${target} HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`
const host = 'Host: 127.0.0.1'
const json = '{"prompt":"a calm lake at dawn"}'

const ABUSES: Abuse[] = [
  { name: 'long-url', target: (p) => `${p}?q=${'a'.repeat(70_000)}`, bytes: (p, a) => line('GET', `${p}?q=${'a'.repeat(70_000)}`, [host, a]) },
  { name: 'long-param', target: (p) => `${p.replace(/\/[^/]*$/, '')}/${'b'.repeat(150)}`, bytes: (p, a) => line('GET', `${p.replace(/\/[^/]*$/, '')}/${'b'.repeat(150)}`, [host, a]) },
  { name: 'huge-header', target: (p) => p, bytes: (p, a) => line('GET', p, [host, a, `X-Big: ${'h'.repeat(20_000)}`]) },
  { name: 'many-headers', target: (p) => p, bytes: (p, a) => line('GET', p, [host, a, ...Array.from({ length: 3_000 }, (_, i) => `X-H${i}: v`)]) },
  { name: 'bad-header-line', target: (p) => p, bytes: (p, a) => line('GET', p, [host, a, 'this is not a header']) },
  { name: 'header-name-space', target: (p) => p, bytes: (p, a) => line('GET', p, [host, a, 'Bad Name: x']) },
  { name: 'obs-fold', target: (p) => p, bytes: (p, a) => line('GET', p, [host, a, 'X-Fold: one', ' two']) },
  { name: 'no-host', target: (p) => p, bytes: (p, a) => line('GET', p, [a]) },
  { name: 'two-hosts', target: (p) => p, bytes: (p, a) => line('GET', p, [host, 'Host: evil.example', a]) },
  { name: 'expect-unknown', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', `Content-Length: ${json.length}`, 'Expect: the-unexpected'], json) },
  { name: 'expect-continue', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', `Content-Length: ${json.length}`, 'Expect: 100-continue'], json) },
  { name: 'cl-and-te', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', 'Content-Length: 4', 'Transfer-Encoding: chunked'], '0\r\n\r\n') },
  { name: 'two-lengths', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 40'], '{}') },
  { name: 'bad-length', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', 'Content-Length: 1e3'], '{}') },
  { name: 'bad-chunks', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n') },
  { name: 'chunked-ok', target: (p) => p, bytes: (p, a) => line('POST', p, [host, a, 'Content-Type: application/json', 'Transfer-Encoding: chunked'], `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`) },
  { name: 'absolute-form', target: (p) => p, bytes: (p, a) => line('GET', `http://evil.example${p}`, [host, a]) },
  { name: 'asterisk-form', target: () => '/', bytes: (_p, a) => line('OPTIONS', '*', [host, a]) },
  { name: 'bad-percent', target: (p) => `${p}%E0%A4%A`, bytes: (p, a) => line('GET', `${p}%E0%A4%A`, [host, a]) },
  { name: 'raw-bytes-url', target: (p) => p, bytes: (p, a) => Buffer.concat([Buffer.from(`GET ${p}`), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(` HTTP/1.1\r\n${host}\r\n${a}\r\nConnection: close\r\n\r\n`)]) },
  { name: 'nul-in-url', target: (p) => p, bytes: (p, a) => line('GET', `${p}\u0000x`, [host, a]) },
  { name: 'garbage-line', target: () => '/', bytes: () => 'HELLO THERE\r\n\r\n' },
  { name: 'http-0.9', target: (p) => p, bytes: (p) => `GET ${p}\r\n\r\n` },
  { name: 'http-2-preface', target: () => '/', bytes: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' },
  { name: 'lowercase-method', target: (p) => p, bytes: (p, a) => line('get', p, [host, a]) },
  { name: 'unknown-method', target: (p) => p, bytes: (p, a) => line('BREW', p, [host, a]) },
  { name: 'pipelined', target: (p) => p, bytes: (p, a) => `GET ${p} HTTP/1.1\r\n${host}\r\n${a}\r\n\r\n`.repeat(3) + line('GET', p, [host, a]) },
]

describe('HTTP protocol abuse over a real socket', () => {
  it('answers every abuse without a 5xx or a hang, in the dialect’s shape with x-request-id, charging nothing', async () => {
    const paths = routes.map((r) => r.url.replace(/:\w+/g, 'job_01h00000000000000000000000').replace('*', 'results/x.png'))
    const arb = fc.record({ path: fc.constantFrom(...paths), abuse: fc.constantFrom(...ABUSES), authed: fc.boolean() }).map((x) => Object.defineProperty(x, fc.toStringMethod, { value: () => `${x.abuse.name} ${x.path} authed=${x.authed}` }))
    await fc.assert(
      fc.asyncProperty(arb, async ({ path, abuse, authed }) => {
        const before = await chargeSnapshot(h.rt.store)
        const a = await rawRequest(port, abuse.bytes(path, authed ? `Authorization: Bearer ${key}` : 'X-No-Auth: 1'))
        stats.requests++
        if (a === 'hang') throw new Error(`${abuse.name} ${path}: no answer and no close within 5 s`)
        // Closing a connection whose framing cannot be trusted is a correct answer.
        if (a === null) return void stats.silent++
        const target = abuse.target(path)
        const method = /^(\w+) /.exec(abuse.bytes(path, '').toString())?.[1]?.toUpperCase() ?? 'GET'
        // A request Node cannot parse has no trustworthy path: the default (native) shape is right too.
        const problems = answerProblems([...dialectsForPath(routes, method, new URL(target, 'http://x').pathname), 'native'], a)
        if (isRejected(a) && (await chargeSnapshot(h.rt.store)) !== before) problems.push(`a rejected request (${a.status}) changed the ledger, jobs or keys`)
        if (problems.length === 0) return
        const item = knownDefect({ method, url: target, kind: abuse.name }, a as Answer, problems)
        if (item !== null) return void stats.known.set(item, (stats.known.get(item) ?? 0) + 1)
        throw new Error(`${abuse.name} ${path} → ${a.status} ${a.body.slice(0, 300)}\n${problems.join('\n')}`)
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    )
    // The server is still serving, and the books balance.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    expect(await ledgerViolations(h.rt.store)).toEqual([])
  })
})
