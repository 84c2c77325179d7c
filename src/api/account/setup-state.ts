import { defineRoute } from '../route.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function registerSetupState(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/account/v1/setup',
    dialect: 'account',
    summary: 'Whether the first operator still has to be set up, and the sign-up mode',
    handler: async () => deps.people.setupState(),
  })
}
