import { defineRoute } from '../route.js'
import { ProfileBody } from './schemas.js'
import { requireSession, sessionOf } from './session-auth.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerProfile(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'PATCH',
    url: '/account/v1/profile',
    dialect: 'account',
    summary: 'Change your name, language or password (a new password signs out your other sessions)',
    body: ProfileBody,
    preHandler: requireSession(deps),
    async handler({ body, req }) {
      const s = sessionOf(req)
      if (body.password) await deps.people.changePassword(s, body.password.current, body.password.next)
      const user = await deps.people.updateProfile(s.user.id, { name: body.name, locale: body.locale })
      return deps.people.view(user, s.csrfToken)
    },
  })
}
