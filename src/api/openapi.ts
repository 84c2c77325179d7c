import { z } from 'zod'
import type { OpenApiOperation } from './route.js'

function schemaOf(s: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>
  delete json.$schema
  return json
}

/** OpenAPI 3.1 built from the same zod schemas that validate requests. */
export function buildOpenApi(openApiOperations: OpenApiOperation[], serverUrl: string, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of openApiOperations) {
    const path = op.url.replace(/:([A-Za-z_]+)/g, '{$1}')
    const parameters: unknown[] = []
    for (const [where, schema] of [
      ['path', op.params],
      ['query', op.query],
    ] as const) {
      if (!schema) continue
      const js = schemaOf(schema) as { properties?: Record<string, unknown>; required?: string[] }
      for (const [name, prop] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop })
      }
    }
    for (const [name, h] of Object.entries(op.headers ?? {})) {
      parameters.push({ name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } })
    }
    const operation: Record<string, unknown> = {
      summary: op.summary,
      tags: op.tags,
      parameters,
      responses: Object.fromEntries(Object.entries(op.responses).map(([code, description]) => [code, { description }])),
    }
    if (op.public) operation.security = []
    if (op.body) {
      const schema = schemaOf(op.body)
      operation.requestBody = { required: true, content: Object.fromEntries(op.consumes.map((c) => [c, { schema }])) }
    }
    ;(paths[path] ??= {})[op.method.toLowerCase()] = operation
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Reelay API', version },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  }
}
