import { isDeepStrictEqual } from 'node:util'
import type { FastifyInstance } from 'fastify'
import type { Dialect } from '../dialect.js'
import type { OpenApiOperation } from '../route.js'

/**
 * Holds every JSON answer of a documented route to its documented schema (the dialect's error
 * body for errors), so the OpenAPI document cannot drift from what handlers send. Off in
 * production; the test harness turns it on and fails a test file that saw a mismatch. A field
 * the schema does not know counts as drift too: parsing drops it, and the result differs.
 */
export function checkResponses(app: FastifyInstance, dialects: Dialect[], report: (problem: string) => void): void {
  const byName = new Map(dialects.map((d) => [d.name, d]))
  let byRoute: Map<string, OpenApiOperation> | undefined
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.is404 || typeof payload !== 'string') return payload
    byRoute ??= new Map(app.openApiOperations.map((op) => [`${op.method} ${op.url}`, op]))
    const op = byRoute.get(`${req.method} ${req.routeOptions.url}`)
    if (!op) return payload
    const where = `${req.method} ${op.url} → ${reply.statusCode}`
    const spec = op.responses[reply.statusCode]
    if (!spec && reply.statusCode < 400) {
      report(`${where}: the status is not documented`)
      return payload
    }
    const schema = spec?.schema ?? (reply.statusCode >= 400 ? byName.get(op.dialect)?.errorSchema : undefined)
    const type = String(reply.getHeader('content-type') ?? '')
    if (!schema || !type.includes('json')) return payload
    let body: unknown
    try {
      body = JSON.parse(payload)
    } catch {
      report(`${where}: the body is not JSON`)
      return payload
    }
    const r = schema.safeParse(body)
    if (!r.success) report(`${where}: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`)
    else if (!isDeepStrictEqual(r.data, body)) report(`${where}: fields the schema does not describe: ${payload.slice(0, 300)}`)
    return payload
  })
}
