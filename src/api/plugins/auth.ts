import { AppError } from '../../errors.js'
import { planOf } from '../../catalog/prices.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthContext } from '../../accounts/accounts.js'
import type { AppDeps } from '../deps.js'

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null
  }
}

/** Marks a hook that needs only the headers: `defineRoute` runs it on request, before the body is read. */
export const BEFORE_BODY = Symbol('reelay.beforeBody')

/**
 * Bearer auth, then the plan's request rate: 401 and 429 come before any idempotency work, and
 * before the body is read, so an anonymous caller cannot make the server read a large body.
 */
export function authenticate(deps: AppDeps) {
  return Object.assign(authenticateRequest(deps), { [BEFORE_BODY]: true })
}

/**
 * The one authentication of a dialect's plugin scope: every route in it, unless the route says
 * `public: true`. Unknown paths are left to the scope's not-found handler (a 404, not a 401).
 */
export function authenticateScope(deps: AppDeps) {
  const check = authenticateRequest(deps)
  return async function (req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (req.is404 || req.routeOptions.config.public === true) return
    await check(req, reply)
  }
}

function authenticateRequest(deps: AppDeps) {
  return async function (req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = req.headers.authorization
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
    if (!match?.[1]) throw new AppError('unauthorized', 'Send your API key as `Authorization: Bearer <key>`.')
    const auth = await deps.accounts.authenticate(match[1])
    if (!auth) throw new AppError('unauthorized', 'The API key is missing, inactive, or invalid.')
    req.auth = auth
    await deps.limiter.consume(auth.accountId, planOf(deps.prices, auth.plan).requestsPerMinute)
  }
}

/** The authenticated caller; only valid inside authenticated routes. */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new AppError('unauthorized')
  return req.auth
}
