import { AppError } from '../errors.js'
import { buildOpenApi } from './openapi.js'
import type { FastifyInstance } from 'fastify'
import type { Dialect } from './dialect.js'

/** `GET /openapi.json` (every dialect) and `GET /openapi/<dialect>.json` (one API alone). */
export function registerOpenApiRoutes(app: FastifyInstance, dialects: Dialect[], serverUrl: string, version: string): void {
  app.get('/openapi.json', async () => buildOpenApi(app.openApiOperations, dialects, serverUrl, version))
  app.get<{ Params: { document: string } }>('/openapi/:document', { config: { dialect: 'native' } }, async (req) => {
    const name = /^([a-z]+)\.json$/.exec(req.params.document)?.[1]
    if (!name || !dialects.some((d) => d.name === name)) {
      throw new AppError('not_found', `No OpenAPI document ${req.params.document}; there is one per dialect: ${dialects.map((d) => `${d.name}.json`).join(', ')}.`)
    }
    return buildOpenApi(app.openApiOperations, dialects, serverUrl, version, name)
  })
}
