import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { safeFetch } from '../../src/net/safe-fetch.js'
import { isBlockedAddress, type UrlPolicy } from '../../src/net/url-policy.js'
import { startServer, tableLookup, type TestServer } from './test-servers.js'

// No public address is reachable here, so these tests stand in a fake "public" classifier
// verdict for a local address. checkUrlSyntax keeps the real rules (it calls its own binding).
vi.mock('../../src/net/url-policy.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/net/url-policy.js')>()
  return { ...real, isBlockedAddress: vi.fn(real.isBlockedAddress) }
})
const classifier = vi.mocked(isBlockedAddress)
const real = await vi.importActual<typeof import('../../src/net/url-policy.js')>('../../src/net/url-policy.js')

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
    classifier.mockImplementation((ip) => ip !== '::1' && real.isBlockedAddress(ip))
    let calls = 0
    const lookup = async () => [calls++ === 0 ? { address: '::1', family: 6 } : { address: '127.0.0.1', family: 4 }]
    await expect(
      safeFetch(`http://rebind.example:${canary.port}/`, { policy: policy(), timeoutMs: 2000, maxBytes: 1024, followRedirects: 0, lookup }),
    ).rejects.toMatchObject({ code: 'connect_failed' })
    expect(calls).toBe(1)
    expect(canary.connections()).toBe(0)
    classifier.mockImplementation(real.isBlockedAddress)
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
    classifier.mockImplementationOnce(() => false)
    const { lookup, calls } = tableLookup({ 'origin.example': '127.0.0.1', 'target.example': '127.0.0.1' })
    await expect(
      safeFetch(`http://origin.example:${origin.port}/`, { policy: policy(), timeoutMs: 2000, maxBytes: 1024, followRedirects: 3, lookup }),
    ).rejects.toMatchObject({ code: 'address_not_allowed' })
    expect(calls).toEqual(['origin.example', 'target.example'])
    expect(origin.requests.length).toBe(1)
    expect(canary.connections()).toBe(before)
  })
})
