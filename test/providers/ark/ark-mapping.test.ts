import { describe, expect, it } from 'vitest'
import { arkHttpError, arkReason, arkTaskToPoll } from '../../../src/providers/ark/mapping.js'
import type { JsonResponse } from '../../../src/providers/http/json-client.js'

const NOW = Date.UTC(2026, 0, 1)

function res(status: number, code?: string, headers: JsonResponse['headers'] = {}): JsonResponse {
  return { status, headers, json: code ? { error: { code, message: 'raw upstream text', type: 'X' } } : undefined, detail: `ark POST /x → ${status}` }
}

describe('arkHttpError', () => {
  it.each([
    [429, 'RateLimitExceeded.EndpointRPMExceeded', 'retryable', 'rate_limited'],
    [500, 'InternalServiceError', 'retryable', 'upstream_unavailable'],
    [502, undefined, 'retryable', 'upstream_unavailable'],
    [408, undefined, 'retryable', 'upstream_unavailable'],
    [400, 'InputTextSensitiveContentDetected', 'user', 'content_rejected'],
    [400, 'InputImageSensitiveContentDetected', 'user', 'content_rejected'],
    [400, 'InputVideoSensitiveContentDetected.PrivacyInformation', 'user', 'content_rejected'],
    [400, 'InvalidParameter.Ratio', 'user', 'invalid_input'],
    [400, 'MissingParameter', 'user', 'invalid_input'],
    [400, 'InvalidEndpoint.ClosedEndpoint', 'config', 'model_unavailable'],
    [401, 'AuthenticationError', 'config', 'upstream_auth'],
    [403, 'AccountOverdueError', 'config', 'upstream_auth'],
    [404, 'InvalidEndpointOrModel.ModelIDAccessDisabled', 'config', 'model_unavailable'],
    [404, 'InvalidEndpoint.NotFound', 'config', 'model_unavailable'],
  ] as const)('%i %s → %s/%s', (status, code, kind, errCode) => {
    const e = arkHttpError(res(status, code), NOW)
    expect(e.kind).toBe(kind)
    expect(e.code).toBe(errCode)
    expect(e.publicMessage).not.toContain('raw upstream text')
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(arkHttpError(res(429, undefined, { 'retry-after': '3' }), NOW).retryAfterMs).toBe(3000)
    expect(arkHttpError(res(429, undefined, { 'retry-after': new Date(NOW + 10_000).toUTCString() }), NOW).retryAfterMs).toBe(10_000)
    expect(arkHttpError(res(429), NOW).retryAfterMs).toBeUndefined()
  })
})

describe('arkTaskToPoll', () => {
  it('maps every task status', () => {
    expect(arkTaskToPoll({ status: 'queued' }, '')).toEqual({ state: 'queued' })
    expect(arkTaskToPoll({ status: 'running' }, '')).toEqual({ state: 'running' })
    expect(arkTaskToPoll({ status: 'succeeded', content: { video_url: 'https://tos/x.mp4' } }, '')).toEqual({
      state: 'succeeded',
      outputs: [{ kind: 'url', url: 'https://tos/x.mp4', mime: 'video/mp4' }],
    })
    const failed = (t: unknown) => {
      const r = arkTaskToPoll(t, '')
      return r.state === 'failed' ? `${r.error.kind}/${r.error.code}` : r.state
    }
    expect(failed({ status: 'succeeded', content: {} })).toBe('user/generation_failed')
    expect(failed({ status: 'failed', error: { code: 'OutputVideoSensitiveContentDetected', message: 'm' } })).toBe('user/content_rejected')
    expect(failed({ status: 'failed', error: { code: 'InternalServiceError', message: 'm' } })).toBe('user/generation_failed')
    expect(failed({ status: 'cancelled' })).toBe('user/cancelled')
    expect(failed({ status: 'expired' })).toBe('user/generation_timeout')
    expect(() => arkTaskToPoll({ status: 'paused' }, '')).toThrow(expect.objectContaining({ kind: 'retryable' }))
  })

  it('names content and model-access codes', () => {
    expect(arkReason('OutputImageSensitiveContentDetected')).toBe('content')
    expect(arkReason('ModelNotOpen')).toBe('model_access')
    expect(arkReason('InvalidParameter')).toBeUndefined()
    expect(arkReason(undefined)).toBeUndefined()
  })
})
