import { describe, expect, it } from 'vitest'
import { callbackJson, classifyHttpFailure, classifyTransportError, parseRetryAfter, redact, responseFailure, timeoutsFrom } from '../../../src/providers/http/json-client.js'

const NOW = Date.UTC(2026, 0, 1)

describe('classifyHttpFailure', () => {
  it.each([
    [429, undefined, 'retryable', 'rate_limited'],
    [408, undefined, 'retryable', 'upstream_unavailable'],
    [409, undefined, 'retryable', 'upstream_unavailable'],
    [500, 'content', 'retryable', 'upstream_unavailable'],
    [503, undefined, 'retryable', 'upstream_unavailable'],
    [400, 'content', 'user', 'content_rejected'],
    [422, 'content', 'user', 'content_rejected'],
    [400, undefined, 'user', 'invalid_input'],
    [422, undefined, 'user', 'invalid_input'],
    [413, undefined, 'user', 'invalid_input'],
    [401, undefined, 'config', 'upstream_auth'],
    [403, undefined, 'config', 'upstream_auth'],
    [402, undefined, 'config', 'upstream_billing'],
    [404, undefined, 'config', 'model_unavailable'],
    [404, 'model_access', 'config', 'model_unavailable'],
    [400, 'model_access', 'config', 'model_unavailable'],
    [302, undefined, 'config', 'upstream_rejected'],
    [405, undefined, 'config', 'upstream_rejected'],
  ] as const)('%i (%s) → %s/%s', (status, reason, kind, code) => {
    const e = classifyHttpFailure({ status, detail: 'd', ...(reason ? { reason } : {}) })
    expect([e.kind, e.code]).toEqual([kind, code])
  })

  it('carries retryAfterMs on retryable failures only when given', () => {
    expect(classifyHttpFailure({ status: 429, detail: 'd', retryAfterMs: 1500 }).retryAfterMs).toBe(1500)
    expect(classifyHttpFailure({ status: 503, detail: 'd', retryAfterMs: 2000 }).retryAfterMs).toBe(2000)
    expect(classifyHttpFailure({ status: 429, detail: 'd' }).retryAfterMs).toBeUndefined()
  })
})

describe('classifyTransportError', () => {
  const err = (code: string) => Object.assign(new Error(code), { code })
  it.each([
    ['ECONNREFUSED', 'retryable'],
    ['ECONNRESET', 'retryable'],
    ['UND_ERR_SOCKET', 'retryable'],
    ['UND_ERR_CONNECT_TIMEOUT', 'retryable'],
    ['UND_ERR_HEADERS_TIMEOUT', 'unknown'],
    ['UND_ERR_BODY_TIMEOUT', 'unknown'],
    ['UND_ERR_ABORTED', 'unknown'],
    ['UND_ERR_CLOSED', 'retryable'],
    ['SOMETHING_ELSE', 'unknown'],
  ])('%s → %s', (code, kind) => {
    expect(classifyTransportError(err(code), 'x').kind).toBe(kind)
  })

  it('looks through a wrapped cause', () => {
    expect(classifyTransportError(Object.assign(new Error('wrapped'), { cause: { code: 'ECONNRESET' } }), 'x').kind).toBe('retryable')
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after': '12' }, NOW)).toBe(12_000)
    expect(parseRetryAfter({ 'retry-after': new Date(NOW + 4_000).toUTCString() }, NOW)).toBe(4_000)
    expect(parseRetryAfter({ 'retry-after': new Date(NOW - 4_000).toUTCString() }, NOW)).toBe(0)
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, NOW)).toBe(250)
    expect(parseRetryAfter({ 'retry-after': 'soon' }, NOW)).toBeUndefined()
    expect(parseRetryAfter({ 'retry-after': '1.5' }, NOW)).toBe(1_500)
    expect(parseRetryAfter({}, NOW)).toBeUndefined()
  })
})

describe('redact and timeouts', () => {
  it('removes every copy of a secret and ignores trivially short ones', () => {
    expect(redact('a sk-123456 b sk-123456', ['sk-123456'])).toBe('a [redacted] b [redacted]')
    expect(redact('abc', ['a'])).toBe('abc')
  })

  it('reads timeouts from channel options with sane defaults', () => {
    expect(timeoutsFrom({})).toEqual({ connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 })
    expect(timeoutsFrom({ timeoutMs: 200 })).toEqual({ connectMs: 200, headersMs: 200, bodyMs: 200 })
    expect(timeoutsFrom({ timeoutMs: -1, connectTimeoutMs: 'x' })).toEqual({ connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 })
  })
})

describe('responseFailure and callbackJson', () => {
  it('classifies by status and reason, with the Retry-After delay', () => {
    const res = { status: 429, headers: { 'retry-after': '3' }, json: undefined, detail: 'd' }
    expect(responseFailure(res, NOW, undefined)).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 3_000 })
    expect(responseFailure({ ...res, status: 400 }, NOW, 'content')).toMatchObject({ kind: 'user', code: 'content_rejected' })
  })

  it('reads a JSON object body and nothing else', () => {
    const req = (rawBody: string) => ({ headers: {}, rawBody, query: {} })
    expect(callbackJson(req('{"id":"x"}'))).toEqual({ id: 'x' })
    expect(callbackJson(req('[1]'))).toBeUndefined()
    expect(callbackJson(req('{not json'))).toBeUndefined()
  })
})
