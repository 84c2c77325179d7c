import { describe, expect, it } from 'vitest'
import { classifyOpenAiError, sizeFor } from '../../../src/providers/openai/mapping.js'
import type { ImageResolution } from '../../../src/domain/params.js'

const KEY = 'sk-secret-key-abcdef123456'
const NOW = Date.UTC(2026, 0, 1)
const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'x-request-id': 'req_abc123', ...headers },
  text: typeof body === 'string' ? body : JSON.stringify(body),
})
const oaiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } })

describe('sizeFor', () => {
  const table: Array<[ImageResolution, string, string]> = [
    ['1K', '1:1', '1024x1024'],
    ['1K', '16:9', '1360x768'],
    ['1K', '9:16', '768x1360'],
    ['1K', '3:2', '1248x832'],
    ['1K', '4:3', '1184x880'],
    ['1K', '21:9', '1568x672'],
    ['1K', '1:3', '592x1776'],
    ['2K', '1:1', '2048x2048'],
    ['2K', '16:9', '2736x1536'],
    ['2K', '3:1', '3552x1184'],
    ['4K', '1:1', '2880x2880'],
    ['4K', '16:9', '3840x2160'],
    ['4K', '9:16', '2160x3840'],
    ['4K', '21:9', '3840x1648'],
    ['4K', '3:1', '3840x1280'],
    ['2K', 'auto', 'auto'],
  ]
  it.each(table)('%s %s → %s', (resolution, ratio, size) => {
    expect(sizeFor(resolution, ratio)).toBe(size)
  })

  it('keeps every catalog ratio and tier inside the gpt-image-2 limits', () => {
    const ratios = ['1:1', '5:4', '4:5', '9:16', '16:9', '21:9', '9:21', '4:3', '3:4', '3:2', '2:3', '2:1', '1:2', '3:1', '1:3']
    for (const r of ratios) {
      for (const tier of ['1K', '2K', '4K'] as const) {
        const [w, h] = sizeFor(tier, r).split('x').map(Number) as [number, number]
        expect(w % 16, `${tier} ${r}`).toBe(0)
        expect(h % 16, `${tier} ${r}`).toBe(0)
        expect(Math.max(w, h)).toBeLessThanOrEqual(3840)
        expect(w * h).toBeLessThanOrEqual(3840 * 2160)
        expect(w * h).toBeGreaterThanOrEqual(655_360)
        expect(Math.max(w, h) / Math.min(w, h)).toBeLessThanOrEqual(3)
      }
    }
  })

  it('rejects a ratio beyond 3:1 as invalid input', () => {
    expect(() => sizeFor('1K', '4:1')).toThrowError(expect.objectContaining({ kind: 'user', code: 'invalid_input' }))
  })
})

describe('classifyOpenAiError', () => {
  const cases: Array<[string, ReturnType<typeof res>, string, string]> = [
    ['moderation_blocked', res(400, oaiError('Your request was rejected by the safety system.', 'image_generation_user_error', 'moderation_blocked')), 'user', 'content_rejected'],
    ['content policy text', res(400, oaiError('This request violates our content policy.', 'invalid_request_error', null)), 'user', 'content_rejected'],
    ['other 400', res(400, oaiError('Invalid value for size.', 'invalid_request_error', 'invalid_value')), 'user', 'invalid_input'],
    ['413', res(413, 'too large'), 'user', 'invalid_input'],
    ['401', res(401, oaiError(`Incorrect API key provided: ${KEY}.`, 'invalid_request_error', 'invalid_api_key')), 'config', 'upstream_auth'],
    ['403', res(403, oaiError('Your organization must be verified.', 'invalid_request_error', null)), 'config', 'upstream_auth'],
    ['404', res(404, oaiError('The model does not exist.', 'invalid_request_error', 'model_not_found')), 'config', 'model_unavailable'],
    ['429 insufficient_quota', res(429, oaiError('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota')), 'config', 'upstream_billing'],
    ['429', res(429, oaiError('Rate limit reached.', 'requests', 'rate_limit_exceeded')), 'retryable', 'rate_limited'],
    ['408', res(408, ''), 'retryable', 'upstream_unavailable'],
    ['500', res(500, oaiError('The server had an error.', 'server_error', null)), 'retryable', 'upstream_unavailable'],
    ['503 html', res(503, '<html>Service Unavailable</html>'), 'retryable', 'upstream_unavailable'],
  ]
  it.each(cases)('%s', (_name, r, kind, code) => {
    const e = classifyOpenAiError(r, KEY, NOW)
    expect({ kind: e.kind, code: e.code }).toEqual({ kind, code })
    expect(e.publicMessage).not.toMatch(/openai|gemini|google|req_abc123/i)
    expect(e.publicMessage).not.toContain(KEY)
    expect(e.detail).not.toContain(KEY)
    expect(e.detail).toContain('req_abc123')
  })

  it('carries Retry-After on 429 and 5xx', () => {
    expect(classifyOpenAiError(res(429, '{}', { 'retry-after': '7' }), KEY, NOW).retryAfterMs).toBe(7_000)
    expect(classifyOpenAiError(res(429, '{}', { 'retry-after-ms': '1500', 'retry-after': '7' }), KEY, NOW).retryAfterMs).toBe(1_500)
    expect(classifyOpenAiError(res(503, '{}', { 'retry-after': new Date(NOW + 30_000).toUTCString() }), KEY, NOW).retryAfterMs).toBe(30_000)
    expect(classifyOpenAiError(res(500, '{}'), KEY, NOW).retryAfterMs).toBeUndefined()
  })
})
