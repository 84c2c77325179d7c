import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { displayPrefix, hashApiKey, isWellFormedApiKey, newApiKey, newId, newRequestId } from '../../src/domain/ids.js'

describe('ids', () => {
  it('are prefixed, lower-case ULIDs that sort by creation time, even within one millisecond', () => {
    const a = newId('job', 1_000)
    const b = newId('job', 1_000)
    const c = newId('job', 2_000)
    expect(a).toMatch(/^job_[0-9a-z]{26}$/)
    expect(a < b && b < c).toBe(true)
    expect(newId('acct')).toMatch(/^acct_/)
  })

  it('draw a fresh random part on every new millisecond, never repeating one, over all 32 characters', () => {
    // 5,000 milliseconds draw 80,000 random bytes, so the 4 KiB pool is refilled many times. In
    // a process of its own: ids at later instants would move this process's ULID clock ahead.
    const script = "import('./src/domain/ids.ts').then((m) => console.log(Array.from({ length: 5000 }, (_, i) => m.newId('job', 1e12 + i).slice(14)).join(' ')))"
    const parts = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }).trim().split(' ')
    expect(parts).toHaveLength(5_000)
    expect(new Set(parts).size).toBe(parts.length)
    const all = parts.join('')
    const counts = [...new Set(all)].map((c) => all.split(c).length - 1)
    expect(counts).toHaveLength(32)
    // Each character about as often as the others (2,500 expected of each).
    expect(Math.min(...counts)).toBeGreaterThan(2_200)
    expect(Math.max(...counts)).toBeLessThan(2_800)
  })
})

describe('request ids', () => {
  it('have the ULID shape, sort by arrival within a millisecond, and differ between processes started together', () => {
    const ids = Array.from({ length: 10_000 }, () => newRequestId(5_000))
    expect(ids[0]).toMatch(/^req_[0-9a-z]{26}$/)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    expect(newRequestId(6_000) > ids.at(-1)!).toBe(true)
    // Another process's ids at the same instant and counter are still different ids.
    const script = "import('./src/domain/ids.ts').then((m) => console.log(m.newRequestId(5000)))"
    const other = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }).trim()
    expect(other).toMatch(/^req_[0-9a-z]{26}$/)
    expect(other.slice(14, 22)).not.toBe(ids[0]!.slice(14, 22))
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
