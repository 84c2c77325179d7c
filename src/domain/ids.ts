import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import { monotonicFactory } from 'ulid'

// ulid's own source of randomness makes one getRandomValues call per character, 16 on every new
// millisecond (35 µs); the same bytes from the same CSPRNG, drawn 4 KiB at a time, cost 1 µs.
const pool = new Uint8Array(4096)
let drawn = pool.length
function pooledRandom(): number {
  if (drawn === pool.length) {
    randomFillSync(pool)
    drawn = 0
  }
  return pool[drawn++]! / 256
}

const ulid = monotonicFactory(pooledRandom)

/** Prefixed, time-sortable ids such as `job_01J…`; sorting by id sorts by creation time. */
export function newId(prefix: 'job' | 'acct' | 'key' | 'led' | 'req' | 'whk' | 'dlv' | 'usr' | 'ses' | 'inv' | 'aud' | 'evt' | 'rcb', now = Date.now()): string {
  return `${prefix}_${ulid(now).toLowerCase()}`
}

// Crockford base32, lowercase, as the ULIDs above.
const B32 = '0123456789abcdefghjkmnpqrstvwxyz'

function base32(n: number, chars: number): string {
  let out = ''
  for (let i = 0; i < chars; i++) {
    out = B32[n % 32]! + out
    n = Math.floor(n / 32)
  }
  return out
}

/** Four base32 characters of a 20-bit number. */
const quad = (n: number) => B32[(n >>> 15) & 31]! + B32[(n >>> 10) & 31]! + B32[(n >>> 5) & 31]! + B32[n & 31]!

// 40 random bits per process and a counter: unique across processes without a random draw per
// request (a ULID draws one per character on every new millisecond, on every request).
const PROCESS_PART = base32(randomBytes(5).readUIntBE(0, 5), 8)
let seqHigh = 0
let seqLow = 0
let requestMs = -1
let requestHead = ''

/**
 * A request id with a ULID's shape (`req_` + 26 characters, time first, so ids sort by arrival
 * within a process) at the cost of a counter increment.
 */
export function newRequestId(now = Date.now()): string {
  if (now !== requestMs) {
    requestMs = now
    requestHead = `req_${base32(now, 10)}${PROCESS_PART}`
  }
  if (++seqLow === 1 << 20) {
    seqLow = 0
    seqHigh = (seqHigh + 1) & 0xfffff
  }
  return requestHead + quad(seqHigh) + quad(seqLow)
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
