import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeFetch } from '../../src/net/safe-fetch.js'
import { startServer, type TestServer } from './test-servers.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

const call = (host: string, ...addresses: string[]) =>
  safeFetch(`http://${host}:${server.port}/hook`, {
    policy: { allowPrivate: true },
    method: 'POST',
    body: '{}',
    timeoutMs: 2000,
    maxBytes: 1024,
    followRedirects: 0,
    lookup: async () => addresses.map((address) => ({ address, family: 4 })),
  })

describe('connection reuse', () => {
  it('sends repeated requests to one checked host over one kept-alive connection (webhooks to one receiver)', async () => {
    const before = server.connections()
    for (let i = 0; i < 20; i++) expect((await call('receiver.example', '127.0.0.1')).status).toBe(200)
    // undici may open a second one while the first is still being handed back; never one per request.
    expect(server.connections() - before).toBeLessThanOrEqual(2)
  })

  it('opens a new connection when the host resolves to other addresses: a kept connection never outlives its check', async () => {
    await call('moving.example', '127.0.0.1')
    const before = server.connections()
    expect((await call('moving.example', '127.0.0.1', '10.0.0.1')).status).toBe(200)
    expect(server.connections() - before).toBe(1)
    expect((await call('moving.example', '127.0.0.1', '10.0.0.1')).status).toBe(200)
    expect(server.connections() - before).toBeLessThanOrEqual(2)
  })
})
