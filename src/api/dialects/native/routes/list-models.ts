import { z } from 'zod'
import { catalogList } from '../../../catalog-view.js'
import { defineRoute } from '../../../route.js'
import { CatalogEntrySchema } from '../../response-schemas.js'
import { D } from './submit.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const ListModelsResponse = z.object({ ok: z.literal(true), object: z.literal('list'), data: z.array(CatalogEntrySchema) })
export type ListModelsResponse = z.output<typeof ListModelsResponse>

/** `GET /v1/models`: the catalog. */
export function registerListModels(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/models',
    dialect: D,
    operationId: 'listModels',
    summary: 'The model catalog with parameters, limits and prices (OpenAI list shape)',
    responses: { 200: { description: 'Every model', schema: ListModelsResponse } },
    async handler(): Promise<ListModelsResponse> {
      return { ok: true, ...catalogList(deps.prices, 0) }
    },
  })
}
