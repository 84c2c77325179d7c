import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Bearer secrets for people: session tokens (`rls_`), invite tokens (`rli_`), password-reset
 * tokens (`rlr_`) and setup tokens (`rlx_`). 256 random bits each; only the SHA-256 is stored, so
 * a copy of the database opens nothing. The prefix tells them apart in logs and in an
 * `Authorization` header.
 */
export type TokenKind = 'session' | 'invite' | 'reset' | 'setup'

const PREFIX: Record<TokenKind, string> = { session: 'rls_', invite: 'rli_', reset: 'rlr_', setup: 'rlx_' }

export function newToken(kind: TokenKind): string {
  return `${PREFIX[kind]}${randomBytes(32).toString('base64url')}`
}

export function isToken(kind: TokenKind, value: string): boolean {
  return value.startsWith(PREFIX[kind]) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(PREFIX[kind].length))
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * The CSRF token of a session, derived from its secret: the browser can only learn it from a
 * response body the same origin read (login, session), never from the cookie, and nothing
 * needs storing.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('reelay csrf').digest('base64url')
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
