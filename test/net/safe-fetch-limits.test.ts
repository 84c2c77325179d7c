import { gzipSync } from 'node:zlib'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeFetch, SafeFetchError, type SafeFetchOptions } from '../../src/net/safe-fetch.js'
import { startServer, type TestServer } from './test-servers.js'

// Scenario 12: every cap ends the fetch with its own code, quickly.
const png = PNG.sync.write(new PNG({ width: 2, height: 2 }))
const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024))
const CHUNK = 16 * 1024

let server: TestServer
beforeAll(async () => {
  server = await startServer((req, res) => {
    switch (req.url ?? '') {
      case '/drip': {
        res.writeHead(200, { 'content-type': 'image/png' })
        const t = setInterval(() => res.write(Buffer.from([0x89])), 200)
        res.on('close', () => clearInterval(t))
        return
      }
      case '/silent':
        return
      case '/endless': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        const pump = () => {
          while (!res.destroyed && res.write(Buffer.alloc(CHUNK, 1)));
        }
        res.on('drain', pump)
        return pump()
      }
      case '/liar':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '10000000' })
        return res.write(png.subarray(0, 10))
      case '/html':
        return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html></html>')
      case '/fake-png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end('<!doctype html><html><body>not an image</body></html>')
      case '/short-fake':
        return res.writeHead(200, { 'content-type': 'image/png' }).end('GIF')
      case '/png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end(png)
      case '/png-as-video':
        return res.writeHead(200, { 'content-type': 'video/mp4' }).end(png)
      case '/bomb':
        return res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' }).end(bomb)
      case '/missing':
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>')
      default:
        return res.end('x'.repeat(5000))
    }
  })
})
afterAll(() => server.close())

const dev = { policy: { allowPrivate: true }, timeoutMs: 2000, maxBytes: 100_000, followRedirects: 0 } satisfies SafeFetchOptions
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e as SafeFetchError)

describe('fetch limits', () => {
  // The drip never ends and each byte comes well inside any idle limit: only the total budget ends it.
  it('aborts a slow-drip body at the total timeout', async () => {
    const err = await fail(safeFetch(`${server.origin}/drip`, { ...dev, timeoutMs: 500 }))
    expect(err).toMatchObject({ code: 'timeout' })
  })

  it('times out a server that never answers', async () => {
    await expect(safeFetch(`${server.origin}/silent`, { ...dev, timeoutMs: 300 })).rejects.toMatchObject({ code: 'timeout' })
  })

  it('stops an endless body right after maxBytes', async () => {
    const err = await fail(safeFetch(`${server.origin}/endless`, dev))
    expect(err).toMatchObject({ code: 'too_large' })
    expect(err.bytesRead).toBeGreaterThan(dev.maxBytes)
    // One socket read can carry at most undici's 64 KiB highWaterMark.
    expect(err.bytesRead).toBeLessThanOrEqual(dev.maxBytes + 64 * 1024)
  })

  // Waiting for the body would end in a timeout, not too_large, and would have read bytes.
  it('refuses a Content-Length over the cap before reading the body', async () => {
    const err = await fail(safeFetch(`${server.origin}/liar`, { ...dev, maxBytes: 1000, timeoutMs: 5000 }))
    expect(err).toMatchObject({ code: 'too_large', bytesRead: 0 })
  })

  it('caps a body without Content-Length', async () => {
    await expect(safeFetch(`${server.origin}/plain`, { ...dev, maxBytes: 1000 })).rejects.toMatchObject({ code: 'too_large' })
  })

  it('never decompresses (gzip bomb stays compressed)', async () => {
    const res = await safeFetch(`${server.origin}/bomb`, dev)
    expect(res.body.length).toBe(bomb.length)
    expect(server.requests.at(-1)!.headers['accept-encoding']).toBe('identity')
    await expect(safeFetch(`${server.origin}/bomb`, { ...dev, acceptMime: ['image/'] })).rejects.toMatchObject({ code: 'bad_content_type' })
  })
})

describe('content type', () => {
  it.each([
    ['/html', ['image/']],
    ['/fake-png', ['image/']],
    ['/short-fake', ['image/']],
    ['/png-as-video', ['video/']],
    ['/endless', ['image/', 'video/']],
  ])('rejects %s for %j', async (path, acceptMime) => {
    await expect(safeFetch(`${server.origin}${path}`, { ...dev, acceptMime })).rejects.toMatchObject({
      code: 'bad_content_type',
      message: 'The response from the URL is not a supported media type.',
    })
  })

  it('sniffs octet-stream bodies as media', async () => {
    await expect(safeFetch(`${server.origin}/endless`, { ...dev, acceptMime: ['application/octet-stream'] })).rejects.toMatchObject({
      code: 'bad_content_type',
    })
  })

  it('accepts a real PNG', async () => {
    const res = await safeFetch(`${server.origin}/png`, { ...dev, acceptMime: ['image/', 'video/'] })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    expect(res.body.equals(png)).toBe(true)
  })

  it('leaves non-2xx responses to the caller', async () => {
    const res = await safeFetch(`${server.origin}/missing`, { ...dev, acceptMime: ['image/'] })
    expect(res.status).toBe(404)
  })
})

describe('caller abort', () => {
  it("rejects with the caller's reason, not a SafeFetchError", async () => {
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(new Error('shutting down')), 100)
    const err = await fail(safeFetch(`${server.origin}/drip`, { ...dev, signal: ctl.signal }))
    expect(err).not.toBeInstanceOf(SafeFetchError)
    expect((err as unknown as Error).message).toBe('shutting down')
  })
})
