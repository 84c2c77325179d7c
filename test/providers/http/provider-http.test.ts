import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { createProviderContext } from '../../../src/providers/context.js'
import { ProviderError } from '../../../src/providers/failure.js'

const KEY = 'sk-provider-http-secret-0001'
const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = []
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (c: Buffer) => (body += c.toString()))
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
    if (req.url?.startsWith('/v1/fail')) {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: `bad key ${KEY}` }))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id: 'task_1' }))
  })
})
let base = ''

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

function ctx(signal?: AbortSignal) {
  return createProviderContext({
    channel: { id: 'c1', provider: 'ark', baseUrl: `${base}/v1/`, apiKey: KEY, models: {}, options: {} },
    clock: new ManualClock(),
    log: { info() {}, warn() {}, error() {} },
    tmpDir: '/tmp',
    ...(signal ? { signal } : {}),
  })
}

describe('the context’s http object', () => {
  it('sends task calls to the channel’s base URL with the adapter’s auth, and reads the JSON answer', async () => {
    seen.length = 0
    const res = await ctx()
      .http.json({ label: 'ark', authorization: `Bearer ${KEY}` })
      .call('POST', '/tasks', { prompt: 'fox' })
    expect(res).toMatchObject({ status: 200, json: { id: 'task_1' } })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/tasks', body: '{"prompt":"fox"}' })
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it('never puts the channel’s key into what an operator reads of a failed answer', async () => {
    const res = await ctx()
      .http.json({ label: 'ark', authorization: `Bearer ${KEY}` })
      .call('GET', '/fail')
    expect(res.status).toBe(401)
    expect(res.detail).toContain('[redacted]')
    expect(res.detail).not.toContain(KEY)
  })

  it('posts to a synchronous API and answers with the text', async () => {
    const res = await ctx().http.post(`${base}/v1/images`, { 'content-type': 'application/json' }, '{}', 1 << 20)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ id: 'task_1' })
  })

  it('is bound to the job’s abort signal: an aborted job sends nothing and fails as a provider error', async () => {
    seen.length = 0
    const aborted = AbortSignal.abort()
    const err = await ctx(aborted)
      .http.json({ label: 'ark', authorization: `Bearer ${KEY}` })
      .call('GET', '/tasks/1')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(seen).toHaveLength(0)
  })
})
