import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { ConfigError } from '../config.js'

/**
 * Encrypts secrets kept in the database (webhook signing secrets, the file-link key) with
 * AES-256-GCM under a key that never enters the database. Each value names the key that sealed
 * it, so a key ring (the current key first, then older ones) reads rows sealed under any of
 * them while `reelay secrets rotate` moves them to the current one.
 */
export interface SecretBox {
  /** Id of the key new values are sealed with. */
  readonly currentKeyId: string
  readonly keyIds: readonly string[]
  /** Where the keys came from (for error messages): `REELAY_SECRET_KEY` or a file path. */
  readonly source: string
  seal(plain: string): string
  /** The clear value; a legacy clear-text value (not sealed) is returned as it is. */
  open(stored: string): string
  /** Whether `stored` is sealed (under any key). */
  isSealed(stored: string): boolean
  /** The `sealed-value` prefix every value sealed under the current key starts with. */
  readonly currentPrefix: string
}

// `enc1:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>`. Neither a whsec_ secret nor a base64url
// key can contain ':', so a legacy clear-text value is never mistaken for a sealed one.
export const SEALED_PREFIX = 'enc1:'
const IV_BYTES = 12
const TAG_BYTES = 16

/** A short, stable id for a key: it names the key in ciphertexts and messages, never reveals it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('reelay-secret-key\0').update(key).digest('hex').slice(0, 12)
}

/** A fresh 256-bit key, as written to the key file and accepted by REELAY_SECRET_KEY. */
export function newSecretKey(): string {
  return randomBytes(32).toString('base64url')
}

/** Keys separated by commas or whitespace, each 32 bytes as base64, base64url or 64 hex digits. */
export function parseSecretKeys(text: string, source: string): Buffer[] {
  const parts = text.split(/[\s,]+/).filter(Boolean)
  if (parts.length === 0) throw new ConfigError(`${source} holds no key; it needs one or more 256-bit keys (generate one with \`reelay secrets new-key\`)`)
  return parts.map((p, i) => {
    const key = /^[0-9a-fA-F]{64}$/.test(p) ? Buffer.from(p, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(p) ? Buffer.from(p, 'base64') : null
    if (!key || key.length !== 32) {
      throw new ConfigError(`${source}: key ${i + 1} is not a 256-bit key (32 bytes as base64, base64url or 64 hex digits; generate one with \`reelay secrets new-key\`)`)
    }
    return key
  })
}

export function createSecretBox(keys: Buffer[], source: string): SecretBox {
  if (keys.length === 0) throw new ConfigError(`${source} holds no key`)
  const ring = new Map(keys.map((k) => [keyIdOf(k), k]))
  const currentKeyId = keyIdOf(keys[0]!)
  const current = keys[0]!
  const currentPrefix = `${SEALED_PREFIX}${currentKeyId}:`

  return {
    currentKeyId,
    keyIds: [...ring.keys()],
    source,
    currentPrefix,
    seal(plain) {
      const iv = randomBytes(IV_BYTES)
      const c = createCipheriv('aes-256-gcm', current, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return `${currentPrefix}${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url')}`
    },
    open(stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored
      const [, kid = '', data = ''] = stored.split(':')
      const key = ring.get(kid)
      if (!key) {
        throw new ConfigError(
          `A secret in the database was encrypted with key ${kid}, which is not among the keys in ${source} (${[...ring.keys()].join(', ')}). ` +
            'Start with the key this deployment was using (to change keys, list the new key first and the old one after it, then run `reelay secrets rotate`).',
        )
      }
      const raw = Buffer.from(data, 'base64url')
      try {
        const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
        d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8')
      } catch {
        throw new ConfigError(`A secret in the database sealed with key ${kid} failed its integrity check: the row was altered or truncated.`)
      }
    },
    isSealed: (stored) => stored.startsWith(SEALED_PREFIX),
  }
}
