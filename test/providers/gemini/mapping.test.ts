import { describe, expect, it } from 'vitest'
import { classifyGeminiError, outputsFromResponse, requestBody } from '../../../src/providers/gemini/mapping.js'
import type { ImageParams } from '../../../src/domain/params.js'
import { PROVIDER_FAILURES } from '../../../src/providers/failure.js'

const KEY = 'AIzaSecretKey-0123456789'
const NOW = Date.UTC(2026, 0, 1)
const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, text: typeof body === 'string' ? body : JSON.stringify(body) })
const gErr = (code: number, status: string, message: string, details: unknown[] = []) => ({ error: { code, message, status, details } })
const params: ImageParams = { prompt: 'a lighthouse', n: 1, resolution: '2K', aspectRatio: '16:9', quality: 'HIGH', format: 'png', seed: 7, referenceImageUrls: [] }

describe('requestBody', () => {
  it('sends prompt, inline references, modalities and imageConfig only', () => {
    const refs = [{ bytes: new Uint8Array([1, 2, 3]), mime: 'image/jpeg' }]
    expect(requestBody(params, refs)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a lighthouse' }, { inlineData: { mimeType: 'image/jpeg', data: 'AQID' } }] }],
      generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
    })
  })

  it('omits the ratio for auto', () => {
    expect(requestBody({ ...params, aspectRatio: 'auto', resolution: '4K' }, []).generationConfig).toEqual({ responseModalities: ['TEXT', 'IMAGE'], imageConfig: { imageSize: '4K' } })
  })
})

describe('outputsFromResponse', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64')
  const ok = (parts: unknown[], finishReason = 'STOP') => res(200, { candidates: [{ content: { role: 'model', parts }, finishReason }], responseId: 'r1' })

  it('takes the last non-thought image part', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64')
    const out = await outputsFromResponse(ok([{ thought: true, inlineData: { mimeType: 'image/png', data: png } }, { text: 'hi' }, { inlineData: { mimeType: 'image/jpeg', data: jpeg } }]), KEY)
    expect(out.responseId).toBe('r1')
    expect(out.outputs).toEqual([{ kind: 'bytes', bytes: Buffer.from(jpeg, 'base64'), mime: 'image/jpeg' }])
  })

  it.each([
    ['prompt blocked', res(200, { promptFeedback: { blockReason: 'SAFETY' } }), 'user', 'content_rejected'],
    ['IMAGE_SAFETY', ok([], 'IMAGE_SAFETY'), 'user', 'content_rejected'],
    ['PROHIBITED_CONTENT', ok([], 'PROHIBITED_CONTENT'), 'user', 'content_rejected'],
    ['RECITATION', ok([{ text: 'x' }], 'RECITATION'), 'user', 'content_rejected'],
    ['text only', ok([{ text: 'I would rather not.' }]), 'user', 'generation_failed'],
    ['NO_IMAGE', ok([], 'NO_IMAGE'), 'user', 'generation_failed'],
    ['no candidates', res(200, { usageMetadata: {} }), 'retryable', 'upstream_bad_response'],
    ['malformed', res(200, '{"candidates": ['), 'retryable', 'upstream_bad_response'],
  ])('%s → %s %s', async (_n, r, kind, code) => {
    const e = await (async () => {
      try {
        await outputsFromResponse(r, KEY)
      } catch (err) {
        return err as { kind: string; code: string; publicMessage: string }
      }
      throw new Error('expected a failure')
    })()
    expect({ kind: e.kind, code: e.code }).toEqual({ kind, code })
    expect(e.publicMessage).not.toMatch(/gemini|google|would rather/i)
  })
})

describe('classifyGeminiError', () => {
  const keyInvalid = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]
  it.each([
    ['RESOURCE_EXHAUSTED', res(429, gErr(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.')), 'retryable'],
    ['INTERNAL', res(500, gErr(500, 'INTERNAL', 'Internal error.')), 'retryable'],
    ['UNAVAILABLE', res(503, gErr(503, 'UNAVAILABLE', 'The model is overloaded.')), 'retryable'],
    ['DEADLINE_EXCEEDED', res(504, gErr(504, 'DEADLINE_EXCEEDED', 'Deadline exceeded.')), 'retryable'],
    ['PERMISSION_DENIED', res(403, gErr(403, 'PERMISSION_DENIED', 'Denied.')), 'config'],
    ['UNAUTHENTICATED', res(401, gErr(401, 'UNAUTHENTICATED', 'Bad credentials.')), 'config'],
    ['API_KEY_INVALID', res(400, gErr(400, 'INVALID_ARGUMENT', `API key not valid: ${KEY}`, keyInvalid)), 'config'],
    ['NOT_FOUND', res(404, gErr(404, 'NOT_FOUND', 'models/x is not found.')), 'config'],
    ['FAILED_PRECONDITION', res(400, gErr(400, 'FAILED_PRECONDITION', 'User location is not supported.')), 'config'],
    ['INVALID_ARGUMENT', res(400, gErr(400, 'INVALID_ARGUMENT', 'Bad image.')), 'user'],
    ['html 502', res(502, '<html>Bad Gateway</html>'), 'retryable'],
  ])('%s → %s', (_n, r, kind) => {
    const e = classifyGeminiError(r, KEY, NOW)
    expect(e.kind).toBe(PROVIDER_FAILURES[e.code].kind)
    expect(e.kind).toBe(kind)
    expect(e.publicMessage).not.toMatch(/gemini|google/i)
    expect(e.publicMessage).not.toContain(KEY)
    expect(e.detail).not.toContain(KEY)
  })

  it('names what the operator must fix: the key, the model or billing', () => {
    expect(classifyGeminiError(res(400, gErr(400, 'INVALID_ARGUMENT', 'API key not valid.', keyInvalid)), KEY, NOW).code).toBe('upstream_auth')
    expect(classifyGeminiError(res(404, gErr(404, 'NOT_FOUND', 'models/x is not found.')), KEY, NOW).code).toBe('model_unavailable')
    expect(classifyGeminiError(res(400, gErr(400, 'FAILED_PRECONDITION', 'Enable billing.')), KEY, NOW).code).toBe('upstream_billing')
    expect(classifyGeminiError(res(429, gErr(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.')), KEY, NOW).code).toBe('rate_limited')
  })

  it('reads RetryInfo, and prefers a Retry-After header', () => {
    const body = gErr(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37.5s' }])
    expect(classifyGeminiError(res(429, body), KEY, NOW).retryAfterMs).toBe(37_500)
    expect(classifyGeminiError(res(429, body, { 'retry-after': '3' }), KEY, NOW).retryAfterMs).toBe(3_000)
  })
})
