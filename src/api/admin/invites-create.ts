import { defineRoute } from '../route.js'
import { InviteBody } from './schemas.js'
import { requireAdmin, sessionOf } from '../account/session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import type { Operator } from '../../accounts/operator.js'

export function registerInvitesCreate(app: FastifyInstance, deps: AppDeps, op: Operator): void {
  defineRoute(app, {
    method: 'POST',
    url: '/admin/v1/invites',
    dialect: 'admin',
    summary: 'An invitation to sign up (needed when the sign-up mode is invite)',
    body: InviteBody,
    responses: { 201: 'The invite token and link' },
    preHandler: requireAdmin(deps),
    async handler({ body, req }, reply) {
      return reply.status(201).send(await op.invite(sessionOf(req).user.id, body.email))
    },
  })
}
