import { sessionCookie } from './session-auth.js'
import type { FastifyReply } from 'fastify'
import type { SessionView } from '../../accounts/people.js'
import type { AppDeps } from '../deps.js'

/** Answers a sign-in: the cookie carries the token, the body the session and its CSRF token. */
export function sendSession(reply: FastifyReply, deps: AppDeps, s: { token: string; expiresAt: number; view: SessionView }, status = 200): FastifyReply {
  const cookie = sessionCookie(s.token, { secure: isHttps(deps), maxAgeSec: Math.max(0, Math.floor((s.expiresAt - deps.clock.now()) / 1000)) })
  return reply.status(status).header('set-cookie', cookie).send(s.view)
}

export function isHttps(deps: AppDeps): boolean {
  return deps.config.publicUrl.startsWith('https:')
}
