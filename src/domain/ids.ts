import { createHash, randomBytes } from 'node:crypto'
import { monotonicFactory } from 'ulid'

const ulid = monotonicFactory()

/** Prefixed, time-sortable ids such as `job_01J…`; sorting by id sorts by creation time. */
export function newId(prefix: 'job' | 'acct' | 'key' | 'led' | 'req' | 'whk' | 'dlv' | 'usr' | 'ses' | 'inv' | 'aud', now = Date.now()): string {
  return `${prefix}_${ulid(now).toLowerCase()}`
}

const KEY_PREFIX = 'sk_live_'
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function base62(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)
  let out = ''
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out
    n /= 62n
  }
  return out
}

function checksum(body: string): string {
  // 32 bits of SHA-256, like GitHub's token checksum, so scanners can reject typos offline.
  return base62(createHash('sha256').update(body).digest().subarray(0, 4)).padStart(6, '0')
}

/** A new API key: `sk_live_` + 192 random bits + a 6-character checksum. */
export function newApiKey(): string {
  const body = base62(randomBytes(24)).padStart(33, '0')
  return `${KEY_PREFIX}${body}${checksum(body)}`
}

/** True when the string has the key format and a valid checksum. */
export function isWellFormedApiKey(key: string): boolean {
  if (!key.startsWith(KEY_PREFIX) || key.length !== KEY_PREFIX.length + 39) return false
  const body = key.slice(KEY_PREFIX.length, -6)
  return /^[0-9A-Za-z]+$/.test(body) && checksum(body) === key.slice(-6)
}

// Unsalted and fast on purpose: a key is 192 random bits, so there is nothing for a salt or a
// slow hash to protect against, and each request is checked with one indexed lookup.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** What we show of a key after creation: enough to recognise it, useless to an attacker. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 4)}…${key.slice(-4)}`
}
