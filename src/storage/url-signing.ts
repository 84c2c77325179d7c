import { createHmac, timingSafeEqual } from 'node:crypto'

/** HMAC over key and expiry, so a link cannot be extended or pointed at another file. */
export function signFileUrl(secret: string, key: string, expiresAtSec: number): string {
  return createHmac('sha256', secret).update(`${key}\n${expiresAtSec}`).digest('base64url')
}

export function verifyFileUrl(secret: string, key: string, expiresAtSec: number, signature: string, nowSec: number): boolean {
  if (!Number.isSafeInteger(expiresAtSec) || expiresAtSec < nowSec) return false
  const want = Buffer.from(signFileUrl(secret, key, expiresAtSec))
  const got = Buffer.from(signature)
  return want.length === got.length && timingSafeEqual(want, got)
}
