import { AppError } from '../../errors.js'
import { BEFORE_BODY } from '../plugins/auth.js'
import { sameSecret } from '../../accounts/tokens.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ActiveSession } from '../../accounts/sessions.js'
import type { AppDeps } from '../deps.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user on /account/v1 and /admin/v1 routes (set by `requireSession`). */
    session?: ActiveSession | null
  }
}

export const SESSION_COOKIE = 'reelay_session'
export const CSRF_HEADER = 'x-csrf-token'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The value of one cookie from the `Cookie` header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

/** `Set-Cookie` for a session (httpOnly, SameSite=Lax, Secure behind https); `null` clears it. */
export function sessionCookie(token: string | null, opts: { secure: boolean; maxAgeSec: number }): string {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(opts.secure ? ['Secure'] : [])]
  return token === null ? [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attrs].join('; ') : [`${SESSION_COOKIE}=${token}`, `Max-Age=${opts.maxAgeSec}`, ...attrs].join('; ')
}

/**
 * Where the caller's session token is: the cookie (the dashboard; ambient, so state changes also
 * need the CSRF header), or `Authorization: Bearer rls_…` (the operator CLI's remote mode; sent
 * deliberately, so no CSRF applies).
 */
function tokenOf(req: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | null {
  const header = req.headers.authorization
  const bearer = typeof header === 'string' ? /^Bearer\s+(rls_\S+)\s*$/.exec(header)?.[1] : undefined
  if (bearer) return { token: bearer, via: 'bearer' }
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE)
  return cookie ? { token: cookie, via: 'cookie' } : null
}

function sessionHook(deps: AppDeps, admin: boolean) {
  return async function (req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const found = tokenOf(req)
    if (!found) throw new AppError('unauthorized', 'Sign in first: no session.')
    const session = await deps.people.sessions.resolve(found.token)
    if (!session) throw new AppError('unauthorized', 'The session has ended (signed out, expired, revoked or the user is disabled); sign in again.')
    if (found.via === 'cookie' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER]
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
        throw new AppError('csrf_failed', "Send the session's `x-csrf-token` header (from the login or session response) with every change.")
      }
    }
    if (admin && session.user.role !== 'admin') throw new AppError('forbidden', 'Only operators (admin users) may use /admin/v1.')
    req.session = session
  }
}

/** A signed-in user (and the CSRF header on changes); runs on request, before the body is read. */
export function requireSession(deps: AppDeps) {
  return Object.assign(sessionHook(deps, false), { [BEFORE_BODY]: true })
}

/** `requireSession`, and the user is an operator. */
export function requireAdmin(deps: AppDeps) {
  return Object.assign(sessionHook(deps, true), { [BEFORE_BODY]: true })
}

/**
 * The CSRF check alone, for a route that resolves its session some other way. `requireSession`
 * already includes it.
 */
export function requireCsrf() {
  return Object.assign(
    async function (req: FastifyRequest): Promise<void> {
      if (SAFE_METHODS.has(req.method) || !req.session) return
      const sent = req.headers[CSRF_HEADER]
      if (typeof sent !== 'string' || !sameSecret(sent, req.session.csrfToken)) throw new AppError('csrf_failed')
    },
    { [BEFORE_BODY]: true },
  )
}

/** The signed-in user; only valid inside routes that use `requireSession` or `requireAdmin`. */
export function sessionOf(req: FastifyRequest): ActiveSession {
  if (!req.session) throw new AppError('unauthorized', 'Sign in first: no session.')
  return req.session
}
