import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { classifyTransportError } from '../../../src/providers/http/classify.js'
import { retryAfterMs, send } from '../../../src/providers/http/image-client.js'
import { providerContext } from '../support.js'

const KEY = 'sk-secret-key-abcdef123456'
const NOW = Date.UTC(2026, 0, 1)

describe('retryAfterMs', () => {
  it('reads ms, seconds and HTTP dates, ignoring garbage', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250.4' }, NOW)).toBe(251)
    expect(retryAfterMs({ 'retry-after': '2' }, NOW)).toBe(2_000)
    expect(retryAfterMs({ 'retry-after': '1.5' }, NOW)).toBe(1_500)
    expect(retryAfterMs({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, NOW)).toBe(0)
    expect(retryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined()
    expect(retryAfterMs({}, NOW)).toBeUndefined()
  })
})

describe('classifyTransportError', () => {
  const err = (code: string) => Object.assign(new Error(`boom ${KEY}`), { code })
  it.each([
    ['ECONNREFUSED', 'retryable'],
    ['UND_ERR_CONNECT_TIMEOUT', 'retryable'],
    ['ECONNRESET', 'retryable'],
    ['UND_ERR_SOCKET', 'retryable'],
    ['UND_ERR_HEADERS_TIMEOUT', 'unknown'],
    ['UND_ERR_BODY_TIMEOUT', 'unknown'],
    ['UND_ERR_ABORTED', 'unknown'],
    // One transport rule for every adapter (providers/http/transport.ts): a closed client refuses before sending.
    ['UND_ERR_CLOSED', 'retryable'],
  ])('%s → %s', (code, kind) => {
    const e = classifyTransportError(err(code), 'POST openai', [KEY])
    expect(e.kind).toBe(kind)
    expect(e.detail).not.toContain(KEY)
    expect(e.publicMessage).not.toContain(KEY)
  })
})

describe('send', () => {
  it('stops reading past maxResponseBytes and reports a bad response, to be retried', async () => {
    const server = createServer((_req, res) => res.end(Buffer.alloc(64 * 1024)))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const ctx = (options: Record<string, unknown>) => providerContext({ id: 'c', provider: 'openai', baseUrl: url, apiKey: KEY, models: {} }, { clock: new ManualClock(), tmpDir: '/tmp', options })
    try {
      const err = await send(ctx({ maxResponseBytes: 1024 }).channel, undefined, url, { method: 'GET', headers: {} }, 1 << 20).catch((e: unknown) => e)
      expect(err).toMatchObject({ kind: 'retryable', code: 'upstream_bad_response' })
      expect((await send(ctx({}).channel, undefined, url, { method: 'GET', headers: {} }, 1 << 20)).bytes.byteLength).toBe(64 * 1024)
    } finally {
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})
