import { randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto'
import { invalid } from '../errors.js'
import { sameSecret } from './tokens.js'

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))
}

const KEY_LEN = 32
const R = 8
const P = 1
export const MIN_PASSWORD = 10
export const MAX_PASSWORD = 256

/** Memory-hard parameters travel with each hash, so raising the cost later keeps old hashes valid. */
function opts(n: number): ScryptOptions {
  return { N: n, r: R, p: P, maxmem: 256 * n * R }
}

export function checkPasswordRule(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD) throw invalid(field, `must be at least ${MIN_PASSWORD} characters`)
  if (password.length > MAX_PASSWORD) throw invalid(field, `must be at most ${MAX_PASSWORD} characters`)
}

/** `scrypt$N$r$p$salt$hash` with N = 2^cost (REELAY_PASSWORD_SCRYPT_COST). */
export async function hashPassword(password: string, cost: number): Promise<string> {
  const n = 2 ** cost
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_LEN, opts(n))
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false
  const N = Number(n)
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), KEY_LEN, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) * Number(p) })
  return sameSecret(key.toString('base64url'), hash)
}

/** A hash that matches nothing, verified when the email is unknown so both cases take as long. */
export const DUMMY_HASH_COST_CACHE = new Map<number, Promise<string>>()
export function dummyHash(cost: number): Promise<string> {
  let h = DUMMY_HASH_COST_CACHE.get(cost)
  if (!h) DUMMY_HASH_COST_CACHE.set(cost, (h = hashPassword(randomBytes(16).toString('hex'), cost)))
  return h
}
