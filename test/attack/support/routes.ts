import type { FastifyInstance } from 'fastify'
import type { DialectName } from './error-shapes.js'

/**
 * The routes to attack, read from the app itself: `/openapi.json` for every dialect route (with
 * its schemas), and Fastify's route tree for the rest, so a route added tomorrow is fuzzed
 * without anyone editing a list.
 */

export interface FuzzRoute {
  method: string
  /** Fastify form: `/v1/jobs/:jobId`. */
  url: string
  /** Whose error shape the route answers in; null for routes outside every dialect. */
  dialect: DialectName | null
  public: boolean
  body?: JsonSchema
  query?: { name: string; required: boolean; schema: JsonSchema }[]
  params: string[]
  consumes: string[]
}

export type JsonSchema = {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  default?: unknown
  additionalProperties?: boolean | JsonSchema
}

/**
 * Routes that are not part of any customer API: upstream callbacks, signed file links and
 * probes. They are fuzzed for 5xx, hangs and `x-request-id`; the files route is native-shaped.
 */
const INFRA_DIALECT: Record<string, DialectName | null> = {
  '/files/*': 'native',
  '/internal/callbacks/:channelId': null,
  '/healthz': null,
  '/readyz': null,
  '/openapi.json': null,
  '/openapi/:document': 'native',
  // The docs site: public pages, fuzzed like the probes.
  '/docs': null,
  '/docs/reference': null,
  '/docs/reference/:api': null,
  '/docs/assets/scalar.js': null,
  '/docs/*': null,
  '/docs*': null,
  '/llms.txt': null,
  '/llms-full.txt': null,
}

/** The dashboard (api/dashboard-route.ts): `/` and each built file (`/assets/index-…js`, `/favicon.svg`). */
const isDashboardFile = (url: string) => url === '/' || /^\/(assets\/)?[\w.-]+\.\w+$/.test(url)

/** Every `METHOD url` in Fastify's route tree (`printRoutes` is the only public listing). */
export function routeTree(app: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├──|└──) (\S+) \(([^)]+)\)/.exec(line)
    if (!m) continue
    const depth = m[1]!.length / 4
    stack.length = depth
    stack.push(m[2]!)
    const url = stack.join('')
    // find-my-way prints /files/* as a bare '*' under the root node (and '/*' once '/' is a route).
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push({ method, url: url === '*' || url === '/*' ? '/files/*' : url })
  }
  return out
}

const DIALECT_NAMES = new Set<string>(['native', 'tasks', 'jobs', 'open', 'openai'])

export async function discoverRoutes(app: FastifyInstance): Promise<FuzzRoute[]> {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { tags: string[]; security?: unknown[]; parameters: { name: string; in: string; required: boolean; schema: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>
  }
  const routes: FuzzRoute[] = []
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const content = op.requestBody?.content ?? {}
      const body = Object.values(content)[0]?.schema
      routes.push({
        method: method.toUpperCase(),
        url: p.replace(/\{(\w+)\}/g, ':$1'),
        // Routes outside the dialects (account, admin, billing) answer in the native shape.
        dialect: (DIALECT_NAMES.has(op.tags[0]!) ? op.tags[0] : 'native') as DialectName,
        public: Array.isArray(op.security) && op.security.length === 0,
        ...(body ? { body } : {}),
        query: op.parameters.filter((x) => x.in === 'query').map((x) => ({ name: x.name, required: x.required, schema: x.schema })),
        params: op.parameters.filter((x) => x.in === 'path').map((x) => x.name),
        consumes: Object.keys(content),
      })
    }
  }
  const known = new Set(routes.map((r) => `${r.method} ${r.url}`))
  for (const r of routeTree(app)) {
    if (known.has(`${r.method} ${r.url}`)) continue
    if (isDashboardFile(r.url) && !(r.url in INFRA_DIALECT)) {
      routes.push({ method: r.method, url: r.url, dialect: null, public: true, params: [], consumes: [] })
      continue
    }
    if (!(r.url in INFRA_DIALECT)) throw new Error(`${r.method} ${r.url} is served but neither in /openapi.json nor a known infrastructure route`)
    routes.push({ method: r.method, url: r.url, dialect: INFRA_DIALECT[r.url]!, public: true, params: [...r.url.matchAll(/:(\w+)/g)].map((x) => x[1]!), consumes: r.method === 'POST' ? ['application/json'] : [] })
  }
  return routes
}

/** How many leading segments of `pathname` the route pattern matches (`:x` any, `*` the rest). */
function sharedSegments(pattern: string, pathname: string): { n: number; whole: boolean } {
  const a = pattern.split('/')
  const b = pathname.split('/')
  let n = 0
  for (; n < a.length; n++) {
    if (a[n] === '*') return { n: b.length, whole: true }
    // Fastify lets a parameter in the last segment be empty (`/internal/callbacks/`).
    const param = a[n]!.startsWith(':') && (b[n] !== '' || n === a.length - 1)
    if (b[n] === undefined || (a[n] !== b[n] && !param)) break
  }
  return { n, whole: n === a.length && a.length === b.length }
}

/**
 * The dialects whose error shape may answer a request: the matching route's, when one matches;
 * otherwise (an unknown URL) those whose routes share the most leading path segments with it,
 * since the URL is in their namespace. `null` stands for routes outside every dialect.
 */
export function dialectsForPath(routes: FuzzRoute[], method: string, pathname: string): (DialectName | null)[] {
  let best = 0
  let found = new Set<DialectName | null>()
  for (const r of routes) {
    const s = sharedSegments(r.url, pathname)
    if (s.whole && r.method === method) return [r.dialect]
    if (r.dialect === null) continue
    if (s.n > best) [best, found] = [s.n, new Set([r.dialect])]
    else if (s.n === best) found.add(r.dialect)
  }
  return best <= 1 ? ['native'] : [...found]
}
