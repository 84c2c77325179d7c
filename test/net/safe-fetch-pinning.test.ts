import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeFetch } from '../../src/net/safe-fetch.js'
import { isBlockedAddress, type UrlPolicy } from '../../src/net/url-policy.js'
import { startServer, tableLookup, type TestServer } from './test-servers.js'

// No public address is reachable here, so these tests inject a classifier that calls one local
// address "public". The URL syntax check keeps the real rules.

let canary: TestServer
let origin: TestServer
beforeAll(async () => {
  canary = await startServer()
  origin = await startServer((req, res) => {
    res.writeHead(302, { location: `http://target.example:${canary.port}/` }).end()
  })
})
afterAll(async () => {
  await canary.close()
  await origin.close()
})

const policy = (): UrlPolicy => ({ allowPrivate: false, allowHttp: true, allowedPorts: [origin.port, canary.port] })

describe('DNS pinning', () => {
  it('connects to the address it checked, not to what DNS says at connect time (rebinding)', async () => {
    // ::1 plays the public address: nothing listens there, so a pinned connect is refused.
    const isBlocked = (ip: string) => ip !== '::1' && isBlockedAddress(ip)
    let calls = 0
    const lookup = async () => [calls++ === 0 ? { address: '::1', family: 6 } : { address: '127.0.0.1', family: 4 }]
    await expect(
      safeFetch(`http://rebind.example:${canary.port}/`, { policy: policy(), timeoutMs: 2000, maxBytes: 1024, followRedirects: 0, lookup, isBlocked }),
    ).rejects.toMatchObject({ code: 'connect_failed' })
    expect(calls).toBe(1)
    expect(canary.connections()).toBe(0)
  })

  it('keeps the original Host header and resolves once when allowed', async () => {
    const { lookup, calls } = tableLookup({ 'pinned.example': '127.0.0.1' })
    const res = await safeFetch(`http://pinned.example:${canary.port}/x?y=1`, {
      policy: { allowPrivate: true },
      timeoutMs: 2000,
      maxBytes: 1024,
      followRedirects: 0,
      lookup,
    })
    expect(res).toMatchObject({ status: 200, remoteAddress: '127.0.0.1', finalUrl: `http://pinned.example:${canary.port}/x?y=1` })
    expect(calls).toEqual(['pinned.example'])
    const req = canary.requests.at(-1)!
    expect(req.headers.host).toBe(`pinned.example:${canary.port}`)
    expect(req.url).toBe('/x?y=1')
    canary.requests.length = 0
  })
})

describe('redirect re-validation', () => {
  it('re-checks the address of every hop', async () => {
    const before = canary.connections()
    // The first hop's address passes as public; the redirect's must still be checked on its own.
    let checked = 0
    const isBlocked = (ip: string) => checked++ > 0 && isBlockedAddress(ip)
    const { lookup, calls } = tableLookup({ 'origin.example': '127.0.0.1', 'target.example': '127.0.0.1' })
    await expect(
      safeFetch(`http://origin.example:${origin.port}/`, { policy: policy(), timeoutMs: 2000, maxBytes: 1024, followRedirects: 3, lookup, isBlocked }),
    ).rejects.toMatchObject({ code: 'address_not_allowed' })
    expect(calls).toEqual(['origin.example', 'target.example'])
    expect(origin.requests.length).toBe(1)
    expect(canary.connections()).toBe(before)
  })
})
