import { describe, expect, it } from 'vitest'
import { displayPrefix, hashApiKey, isWellFormedApiKey, newApiKey, newId } from '../../src/domain/ids.js'

describe('ids', () => {
  it('are prefixed, lower-case ULIDs that sort by creation time, even within one millisecond', () => {
    const a = newId('job', 1_000)
    const b = newId('job', 1_000)
    const c = newId('job', 2_000)
    expect(a).toMatch(/^job_[0-9a-z]{26}$/)
    expect(a < b && b < c).toBe(true)
    expect(newId('acct')).toMatch(/^acct_/)
  })
})

describe('API keys', () => {
  it('have the sk_live_ format, 39 characters after the prefix, and a checksum that catches a typo', () => {
    const key = newApiKey()
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{39}$/)
    expect(isWellFormedApiKey(key)).toBe(true)
    const last = key.at(-1)!
    expect(isWellFormedApiKey(`${key.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`)).toBe(false)
    const mid = key[12]!
    expect(isWellFormedApiKey(`${key.slice(0, 12)}${mid === 'a' ? 'b' : 'a'}${key.slice(13)}`)).toBe(false)
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false)
    expect(isWellFormedApiKey(key.replace('sk_live_', 'sk_test_'))).toBe(false)
  })

  it('are unique, hashed to a stable sha256 and shown only by a prefix and the last four characters', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newApiKey()))
    expect(keys.size).toBe(200)
    const key = [...keys][0]!
    expect(hashApiKey(key)).toBe(hashApiKey(key))
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/)
    expect(displayPrefix(key)).toBe(`${key.slice(0, 12)}…${key.slice(-4)}`)
    expect(displayPrefix(key)).not.toContain(key.slice(12, -4))
  })
})
