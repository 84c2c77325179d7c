import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { createHarness, type Harness } from '../support/harness.js'
import { RawClient } from '../support/raw-http.js'
import type { FastifyInstance } from 'fastify'

const portOf = (app: FastifyInstance) => (app.server.address() as AddressInfo).port

describe('slow and unauthenticated bodies', () => {
  let h: Harness
  let port: number
  let key: string
  beforeAll(async () => {
    // A short, real network timeout; the tests assert what the client sees, not when.
    h = await createHarness({ env: { REELAY_REQUEST_TIMEOUT_MS: '300' } })
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    port = portOf(h.app)
    key = (await h.customer()).key
  })
  afterAll(() => h.close())

  const post = (path: string, auth: boolean, length: number) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth ? `Authorization: Bearer ${key}\r\n` : ''}Idempotency-Key: k-${Math.random()}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`

  it('a body trickled a byte at a time is cut with a 408 in the dialect shape, and the connection closed', async () => {
    const c = await RawClient.open(port)
    const body = JSON.stringify({ prompt: 'a slow loris', duration: 5 }).padEnd(400, ' ')
    c.write(post('/v1/videos/generate', true, body.length))
    let i = 0
    const trickle = setInterval(() => c.write(body[i++] ?? ' '), 20)
    try {
      const res = await c.response()
      expect(res.status).toBe(408)
      expect(res.headers['x-request-id']).toMatch(/^req_/)
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'request_timeout', requestId: res.headers['x-request-id'] } })
      await c.closedByServer()
      expect(i).toBeLessThan(body.length)
    } finally {
      clearInterval(trickle)
      c.destroy()
    }
    // Nothing was submitted or held.
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key}` } })).json()).toMatchObject({ balance: 10_000, reserved: 0 })
  })

  it('the same timeout answers in the 004 shape on its path', async () => {
    const c = await RawClient.open(port)
    c.write(post('/api/open/v1/video/generations', true, 100))
    c.write('{')
    try {
      const res = await c.response()
      expect(res.status).toBe(408)
      expect(res.json()).toMatchObject({ success: false, error: { code: 'request_timeout' } })
    } finally {
      c.destroy()
    }
  })

  it.each([
    ['native', '/v1/videos/generate', { ok: false, error: { code: 'unauthorized' } }],
    ['004', '/api/open/v1/video/generations', { success: false, error: { code: 'unauthorized', message: 'Invalid API key' } }],
    ['OpenAI', '/v1/videos', { error: { type: 'authentication_error' } }],
  ] as const)('%s: a large body without a key is refused 401 before it is read, and the connection closed', async (_n, path, shape) => {
    const c = await RawClient.open(port)
    try {
      // 500 kB announced (under the body limit), 10 bytes sent: the answer cannot wait for the rest.
      c.write(post(path, false, 500_000))
      c.write('{"prompt":')
      const res = await c.response()
      expect(res.status).toBe(401)
      expect(res.json()).toMatchObject(shape)
      expect(res.headers.connection).toBe('close')
      await c.closedByServer()
    } finally {
      c.destroy()
    }
  })
})

describe('connections per client address', () => {
  let h: Harness
  let port: number
  const clients: RawClient[] = []
  beforeAll(async () => {
    h = await createHarness({ env: { REELAY_MAX_CONNECTIONS_PER_IP: '2' } })
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    port = portOf(h.app)
  })
  afterEach(() => clients.splice(0).forEach((c) => c.destroy()))
  afterAll(() => h.close())

  const models = 'GET /api/open/v1/models HTTP/1.1\r\nHost: x\r\n\r\n'

  it('refuses the (N+1)th open connection with 503 and Retry-After in the dialect of its request', async () => {
    for (let i = 0; i < 2; i++) {
      const c = await RawClient.open(port)
      clients.push(c)
      // A full keep-alive exchange: the server has surely counted this connection.
      c.write(models)
      expect((await c.response()).status).toBe(200)
    }
    const third = await RawClient.open(port)
    clients.push(third)
    third.write(models)
    const res = await third.response()
    expect(res.status).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(res.headers['x-request-id']).toMatch(/^req_/)
    expect(res.json()).toMatchObject({ success: false, error: { code: 'service_unavailable' } })
    await third.closedByServer()
    // The connections within the cap still work.
    clients[0]!.write(models)
    expect((await clients[0]!.response()).status).toBe(200)
  })
})

describe('load shedding (@fastify/under-pressure)', () => {
  let h: Harness
  let app: FastifyInstance
  beforeAll(async () => {
    h = await createHarness({ env: { REELAY_SHED_RETRY_AFTER_SECONDS: '7' } })
    // The health hook reports overload, as a lagging event loop or a full heap would.
    app = await buildApp(h.rt.appDeps, { logger: false, shedding: { healthCheck: async () => false, intervalMs: 60_000 } })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await h.close()
  })

  it.each([
    ['native', '/v1/usage', { ok: false, error: { code: 'service_unavailable' } }],
    ['001', '/api/v1/tasks/task_x', { error: { code: 'service_busy' } }],
    ['002', '/api/v1/account/credits', { code: 'service_unavailable', status: 503 }],
    ['004', '/api/open/v1/models', { success: false, error: { code: 'service_unavailable' } }],
    ['OpenAI', '/v1/videos', { error: { type: 'server_error', code: 'service_unavailable' } }],
  ] as const)('%s answers 503 with Retry-After in its shape', async (_n, url, shape) => {
    const c = await h.customer()
    const res = await app.inject({ method: 'GET', url, headers: c.auth })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('7')
    expect(res.headers['x-request-id']).toMatch(/^req_/)
    expect(res.json()).toMatchObject(shape)
  })

  it('liveness still answers', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  })
})
