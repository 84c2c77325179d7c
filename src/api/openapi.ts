import { z } from 'zod'
import type { Dialect } from './dialect.js'
import type { OpenApiOperation, ResponseSpec } from './route.js'

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>
  delete json.$schema
  return json
}

const errorSchemaName = (dialect: string) => `${dialect[0]!.toUpperCase()}${dialect.slice(1)}Error`

/** Errors every route can answer with, added where the route does not describe them itself. */
function commonErrors(op: OpenApiOperation): Record<number, string> {
  return {
    400: 'The request is not valid: the error names the field (a body field, a query parameter, a header or the URL) and the rule',
    ...(op.public ? {} : { 401: 'The API key is missing, inactive or invalid', 429: 'Too many requests for the plan; retry after `Retry-After` seconds' }),
    ...(op.params ? { 404: 'No such resource for this API key' } : {}),
    ...(op.idempotency === 'none' ? {} : { 409: 'The Idempotency-Key was used with a different body, or its first request is still running' }),
    503: 'The server is overloaded or busy; retry after `Retry-After` seconds',
  }
}

function operationOf(op: OpenApiOperation): Record<string, unknown> {
  const parameters: unknown[] = []
  for (const [where, schema] of [
    ['path', op.params],
    ['query', op.query],
  ] as const) {
    if (!schema) continue
    const js = schemaOf(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] }
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = prop
      parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest })
    }
  }
  for (const [name, h] of Object.entries(op.headers ?? {})) {
    parameters.push({ name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } })
  }
  const errorRef = { $ref: `#/components/schemas/${errorSchemaName(op.dialect)}` }
  const responses: Record<string, unknown> = {}
  const all: Record<string, ResponseSpec> = { ...Object.fromEntries(Object.entries(commonErrors(op)).map(([c, description]) => [c, { description }])), ...op.responses }
  for (const [code, r] of Object.entries(all).sort(([a], [b]) => Number(a) - Number(b))) {
    const schema = r.schema ? schemaOf(r.schema, 'output') : Number(code) >= 400 ? errorRef : undefined
    responses[code] = {
      description: r.description,
      ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
      ...(schema ? { content: { [r.contentType ?? 'application/json']: { schema } } } : {}),
    }
  }
  const operation: Record<string, unknown> = {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    parameters,
    responses,
  }
  if (op.public) operation.security = []
  if (op.body) {
    const schema = schemaOf(op.body, 'input')
    const example = op.example === undefined ? {} : { example: op.example }
    operation.requestBody = { required: true, content: Object.fromEntries(op.consumes.map((c) => [c, { schema, ...(c === 'application/json' ? example : {}) }])) }
  }
  return operation
}

/**
 * OpenAPI 3.1 built from the same zod schemas that validate requests and describe responses:
 * of every dialect, or of one (`only`).
 */
export function buildOpenApi(operations: OpenApiOperation[], dialects: Dialect[], serverUrl: string, version: string, only?: string): Record<string, unknown> {
  const ops = operations.filter((op) => only === undefined || op.dialect === only)
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of ops) (paths[op.url.replace(/:([A-Za-z_]+)/g, '{$1}')] ??= {})[op.method.toLowerCase()] = operationOf(op)
  const used = new Set(ops.flatMap((op) => op.tags))
  const byName = new Map(dialects.map((d) => [d.name, d]))
  const errorSchemas = [...new Set(ops.map((op) => op.dialect))].flatMap((name) => {
    const d = byName.get(name)
    return d ? [[errorSchemaName(name), schemaOf(d.errorSchema, 'output')] as const] : []
  })
  const title = only === undefined ? 'Reelay API' : `Reelay API: ${only} dialect`
  return {
    openapi: '3.1.0',
    info: {
      title,
      version,
      description: 'Asynchronous image and video generation. Each dialect speaks one documented API; credits are whole numbers.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl }],
    tags: [...used].map((name) => ({ name, description: byName.get(name)?.description ?? name })),
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: Object.fromEntries(errorSchemas) },
    security: [{ bearer: [] }],
    paths,
  }
}
