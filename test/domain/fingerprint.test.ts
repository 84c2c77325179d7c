import { describe, expect, it } from 'vitest'
import { canonicalJson, requestFingerprint } from '../../src/domain/fingerprint.js'

describe('request fingerprints', () => {
  it('ignore key order and undefined fields at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}')
    expect(requestFingerprint('POST', '/v1/jobs', { a: 1, b: 2 })).toBe(requestFingerprint('POST', '/v1/jobs', { b: 2, a: 1, c: undefined }))
  })

  it('differ when the method, the route, a value or the order of an array differs', () => {
    const base = requestFingerprint('POST', '/v1/images/generate', { prompt: 'x', n: [1, 2] })
    expect(requestFingerprint('PUT', '/v1/images/generate', { prompt: 'x', n: [1, 2] })).not.toBe(base)
    expect(requestFingerprint('POST', '/v1/videos/generate', { prompt: 'x', n: [1, 2] })).not.toBe(base)
    expect(requestFingerprint('POST', '/v1/images/generate', { prompt: 'y', n: [1, 2] })).not.toBe(base)
    expect(requestFingerprint('POST', '/v1/images/generate', { prompt: 'x', n: [2, 1] })).not.toBe(base)
    // A string "1" is not the number 1, and null is not a missing body.
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }))
    expect(canonicalJson(null)).toBe('null')
    expect(canonicalJson(undefined)).toBe('null')
  })
})
