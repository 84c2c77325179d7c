import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeFetch, type SafeFetchOptions } from '../../src/net/safe-fetch.js'
import { startServer, type TestServer } from './test-servers.js'

let target: TestServer
let hopper: TestServer
let canary: TestServer
let redirector: TestServer
const to = new Map<string, string>()
beforeAll(async () => {
  target = await startServer((req, res) => res.end(`target:${req.headers.authorization ?? '-'}`))
  canary = await startServer()
  // /n redirects to /n+1 forever.
  hopper = await startServer((req, res) => res.writeHead(302, { location: `/${Number(req.url!.slice(1)) + 1}` }).end())
  // Redirects wherever the test registered for the path.
  redirector = await startServer((req, res) => {
    if (req.url === '/same') return res.end(`same:${req.headers.authorization ?? '-'}`)
    res.writeHead(Number(req.headers['x-status'] ?? 302), { location: to.get(req.url!) ?? '/' }).end('moved')
  })
})
afterAll(() => Promise.all([target, hopper, canary, redirector].map((s) => s.close())))

const dev = { policy: { allowPrivate: true }, timeoutMs: 2000, maxBytes: 4096, followRedirects: 3 } satisfies SafeFetchOptions

describe('redirects', () => {
  it('follows a redirect to another server', async () => {
    to.set('/a', `${target.origin}/done`)
    const res = await safeFetch(`${redirector.origin}/a`, dev)
    expect(res).toMatchObject({ status: 200, finalUrl: `${target.origin}/done`, remoteAddress: '127.0.0.1' })
    expect(res.body.toString()).toBe('target:-')
  })

  it.each([301, 303, 307, 308])('follows %i for GET', async (status) => {
    to.set('/s', `${target.origin}/s`)
    const res = await safeFetch(`${redirector.origin}/s`, { ...dev, headers: { 'x-status': String(status) } })
    expect(res.status).toBe(200)
  })

  it('follows relative locations', async () => {
    to.set('/rel', '/same')
    const res = await safeFetch(`${redirector.origin}/rel`, dev)
    expect(res).toMatchObject({ status: 200, finalUrl: `${redirector.origin}/same` })
  })

  it('stops with too_many_redirects after followRedirects hops', async () => {
    const before = hopper.requests.length
    await expect(safeFetch(`${hopper.origin}/0`, { ...dev, followRedirects: 2 })).rejects.toMatchObject({ code: 'too_many_redirects' })
    expect(hopper.requests.length - before).toBe(3)
  })

  it('returns the 3xx as-is when followRedirects is 0', async () => {
    to.set('/z', `${canary.origin}/`)
    const res = await safeFetch(`${redirector.origin}/z`, { ...dev, followRedirects: 0 })
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe(`${canary.origin}/`)
    expect(res.body.toString()).toBe('moved')
    expect(canary.connections()).toBe(0)
  })

  it('never follows a redirect for POST', async () => {
    to.set('/hook', `${canary.origin}/`)
    const res = await safeFetch(`${redirector.origin}/hook`, { ...dev, method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(302)
    expect(canary.connections()).toBe(0)
  })

  it('re-checks the port of every hop', async () => {
    to.set('/p', `${canary.origin}/`)
    await expect(
      safeFetch(`${redirector.origin}/p`, { ...dev, policy: { allowPrivate: true, allowedPorts: [redirector.port] } }),
    ).rejects.toMatchObject({ code: 'port_not_allowed' })
    expect(canary.connections()).toBe(0)
  })

  it.each([
    ['file:///etc/passwd', 'scheme_not_allowed'],
    ['gopher://127.0.0.1:6379/_FLUSHALL', 'scheme_not_allowed'],
    ['CANARY_WITH_USERINFO', 'credentials_not_allowed'],
    ['http://[::1', 'invalid_url'],
  ])('refuses a redirect to %s', async (location, code) => {
    to.set('/bad', location.replace('CANARY_WITH_USERINFO', `http://x:y@127.0.0.1:${canary.port}/`))
    await expect(safeFetch(`${redirector.origin}/bad`, dev)).rejects.toMatchObject({ code })
    expect(canary.connections()).toBe(0)
  })

  it('drops credentials when the redirect leaves the origin, keeps them within it', async () => {
    to.set('/cross', `${target.origin}/`)
    const cross = await safeFetch(`${redirector.origin}/cross`, { ...dev, headers: { Authorization: 'Bearer s3cret' } })
    expect(cross.body.toString()).toBe('target:-')
    to.set('/within', '/same')
    const within = await safeFetch(`${redirector.origin}/within`, { ...dev, headers: { Authorization: 'Bearer s3cret' } })
    expect(within.body.toString()).toBe('same:Bearer s3cret')
  })
})
