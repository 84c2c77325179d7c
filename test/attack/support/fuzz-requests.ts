import fc from 'fast-check'
import type { FuzzRoute, JsonSchema } from './routes.js'

/**
 * Hostile requests for one route: bodies built from the route's own JSON schema and then broken
 * (wrong types, missing and unknown fields), huge and deep bodies, bad UTF-8, bad JSON, wrong
 * content types, header abuse, path traversal, query abuse and multipart abuse.
 */

export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
  /** What kind of abuse this is, for the report and for failure messages. */
  kind: string
}

export interface FuzzContext {
  publicUrl: string
  bodyLimit: number
  /** API keys by role: `rich` has credits, `poor` has none. */
  keys: { rich: string; poor: string }
  /** Ids in every dialect form of jobs of the fuzzing account and of another tenant. */
  ownIds: string[]
  otherIds: string[]
}

/** Strings that have broken parsers, routers, path handling and URL checks elsewhere. */
const NASTY = [
  '', ' ', '..', '../..', '../../etc/passwd', '%2e%2e', '%2e%2e%2f%2e%2e', '..%2f..%2finternal', '%00', 'a%00b', '%ff%fe', '%c0%af',
  '\u0000', '\u202e', '\ud83d\ude00', 'ｆｕｌｌ', '<script>', "' or 1=1 --", '${7*7}', '{{7*7}}', '__proto__', 'constructor',
  'job_', 'job_00000000000000000000000000', 'sd2_', 'task_x', 'req_', 'video_', 'null', 'undefined', 'NaN', '-1', '1e309', '0x10',
]

const URLS = (publicUrl: string) => [
  'https://example.com/ref.png',
  'http://127.0.0.1:6379/',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/',
  'https://user:pass@example.com/x.png',
  `${publicUrl}/files/../internal/callbacks/studio`,
  `${publicUrl}/files/%2e%2e/internal/callbacks/studio`,
  `${publicUrl}/files/results/x.png?expires=1&signature=x`,
  'https://[::ffff:7f00:1]/x.png',
  'https://0x7f.0.0.1/x.png',
  'not a url',
]

function types(s: JsonSchema): string[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]
}

/** Values the schema allows (mostly), built from its own description. */
export function fromSchema(s: JsonSchema | undefined, ctx: FuzzContext, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.constant(null)
  if (s.const !== undefined) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  const alts = s.anyOf ?? s.oneOf
  if (alts?.length) return fc.oneof(...alts.map((a) => fromSchema(a, ctx, depth + 1)))
  const t = types(s)
  if (t.length > 1) return fc.oneof(...t.map((x) => fromSchema({ ...s, type: x }, ctx, depth + 1)))
  switch (t[0] ?? '') {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer': {
      const min = Math.max(s.minimum ?? -1_000, -1e12)
      const max = Math.min(s.maximum ?? 1_000, 1e12)
      return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) }, fc.constantFrom(min - 1, max + 1, 2 ** 53, -(2 ** 31)))
    }
    case 'number':
      return fc.oneof({ weight: 4, arbitrary: fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }) }, fc.constantFrom(0.5, -0, 1e308))
    case 'string': {
      const minLength = s.minLength ?? 0
      const maxLength = Math.min(s.maxLength ?? 64, 64)
      return fc.oneof(
        { weight: 4, arbitrary: fc.string({ minLength: Math.min(minLength, maxLength), maxLength: Math.max(maxLength, minLength) }) },
        { weight: 1, arbitrary: fc.constantFrom(...URLS(ctx.publicUrl)) },
        { weight: 1, arbitrary: fc.constantFrom(...NASTY) },
      )
    }
    case 'array':
      return fc.array(fromSchema(s.items, ctx, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) })
    case 'object': {
      const props = s.properties ?? {}
      const required = new Set(s.required ?? [])
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [k, v] of Object.entries(props)) model[k] = fromSchema(v, ctx, depth + 1)
      return fc.record(model, { requiredKeys: [...required].filter((k) => k in props) })
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** One field of a body given a value of the wrong type, removed, or joined by an unknown field. */
function breakBody(body: unknown): fc.Arbitrary<unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fc.constant(body)
  const keys = Object.keys(body)
  const wrong = fc.oneof(fc.constantFrom(null, true, 0, -1, 1.5, '', [], {}, [[[]]], 'x'.repeat(30_000)), fc.jsonValue({ maxDepth: 3 }))
  return fc.oneof(
    keys.length ? fc.tuple(fc.constantFrom(...keys), wrong).map(([k, v]) => ({ ...body, [k]: v })) : fc.constant(body),
    keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(body).filter(([x]) => x !== k))) : fc.constant(body),
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'Prompt', ''), wrong).map(([k, v]) => ({ ...body, [k]: v })),
  )
}

/** A body nested `n` levels deep, as text (building it as a value would overflow our own stack). */
const deepJson = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n)

function jsonBody(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<{ payload: string | Buffer; kind: string }> {
  const schemaBody = fromSchema(route.body, ctx)
  const j = (kind: string) => (v: unknown) => ({ payload: JSON.stringify(v) ?? 'null', kind })
  return fc.oneof(
    { weight: 6, arbitrary: schemaBody.map(j('schema')) },
    // Most submit routes take a prompt alone: these get through validation, to the ledger.
    { weight: 3, arbitrary: fc.constantFrom('a calm lake at dawn', 'a red fox in fresh snow').map((prompt) => j('minimal')({ prompt })) },
    { weight: 6, arbitrary: schemaBody.chain(breakBody).map(j('wrong-type')) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(j('junk-json')) },
    { weight: 1, arbitrary: fc.constantFrom(100, 5_000, 100_000).map((n) => ({ payload: deepJson(n, '[', ']'), kind: 'deep-array' })) },
    { weight: 1, arbitrary: fc.constantFrom(100, 20_000).map((n) => ({ payload: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`, kind: 'deep-object' })) },
    { weight: 1, arbitrary: fc.constantFrom(ctx.bodyLimit + 1, ctx.bodyLimit * 3).map((n) => ({ payload: JSON.stringify({ prompt: 'x'.repeat(n) }), kind: 'huge' })) },
    { weight: 1, arbitrary: fc.constantFrom(5_000, 200_000).map((n) => ({ payload: JSON.stringify({ prompt: 'a cat', referenceImages: Array(n).fill('https://example.com/a.png') }), kind: 'wide' })) },
    { weight: 2, arbitrary: schemaBody.chain((b) => fc.nat({ max: 40 }).map((cut) => ({ payload: (JSON.stringify(b) ?? '{}').slice(0, cut), kind: 'bad-json' }))) },
    {
      weight: 2,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bad) => ({
        // Invalid UTF-8 inside a JSON string: lone continuation bytes, overlongs, surrogates.
        payload: Buffer.concat([Buffer.from('{"prompt":"a cat '), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, ...bad.map((b) => b | 0x80)]), Buffer.from('"}')]),
        kind: 'bad-utf8',
      })),
    },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '"str"', '1', '{"prompt":"a cat"}{}', '\ufeff{}').map((p) => ({ payload: p, kind: 'odd-json' })) },
  )
}

/** A multipart body built by hand so it can break every rule: part counts, names, boundaries. */
function multipartBody(): fc.Arbitrary<{ payload: Buffer; contentType: string; kind: string }> {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
  const part = fc.oneof(
    fc.record({ name: fc.constantFrom('prompt', 'model', 'size', 'n', 'seconds', 'quality', 'input_reference', 'image_url'), value: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...NASTY)) }).map((p) => ({ ...p, file: false as const })),
    fc
      .record({
        name: fc.constantFrom('image', 'image[]', 'mask', 'input_reference', 'image[0]', 'a[b][c]', '__proto__', 'image[][x]', ''),
        filename: fc.constantFrom('a.png', '../../etc/passwd', '', 'x.exe', '\u202egnp.exe'),
        mime: fc.constantFrom('image/png', 'image/jpeg', 'application/octet-stream', 'text/html', ''),
        size: fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 4_096 }) }, { weight: 1, arbitrary: fc.constant(300_000) }),
      })
      .map((p) => ({ ...p, file: true as const })),
  )
  return fc
    .record({
      parts: fc.oneof({ weight: 5, arbitrary: fc.array(part, { maxLength: 8 }) }, { weight: 1, arbitrary: fc.array(part, { minLength: 97, maxLength: 130 }) }),
      ending: fc.constantFrom('proper', 'proper', 'proper', 'truncated', 'no-final', 'garbage'),
      boundary: fc.constantFrom('fuzzb0undary', 'x'.repeat(71), 'b'),
      header: fc.constantFrom('ok', 'ok', 'no-boundary', 'wrong-boundary'),
    })
    .map(({ parts, ending, boundary, header }) => {
      const chunks: Buffer[] = []
      for (const p of parts) {
        const disp = p.file ? `form-data; name="${p.name}"; filename="${p.filename}"` : `form-data; name="${p.name}"`
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.file && p.mime ? `Content-Type: ${p.mime}\r\n` : ''}\r\n`))
        chunks.push(p.file ? Buffer.concat([PNG, Buffer.alloc(p.size, 7)]) : Buffer.from(p.value))
        chunks.push(Buffer.from('\r\n'))
      }
      if (ending === 'proper') chunks.push(Buffer.from(`--${boundary}--\r\n`))
      if (ending === 'garbage') chunks.push(Buffer.from(`--${boundary}\r\nno headers here`))
      let payload = Buffer.concat(chunks)
      if (ending === 'truncated') payload = payload.subarray(0, Math.floor(payload.length / 2))
      const contentType = header === 'no-boundary' ? 'multipart/form-data' : `multipart/form-data; boundary=${header === 'wrong-boundary' ? 'other' : boundary}`
      return { payload, contentType, kind: `multipart-${parts.length > 96 ? 'many-parts' : ending}` }
    })
}

function pathValue(ctx: FuzzContext): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ctx.ownIds) },
    { weight: 2, arbitrary: fc.constantFrom(...ctx.otherIds) },
    { weight: 3, arbitrary: fc.constantFrom(...NASTY).map((s) => (/%/.test(s) ? s : encodeURIComponent(s))) },
    { weight: 1, arbitrary: fc.constantFrom('../../v1/usage', '..%2F..%2Fv1%2Fusage', '%2e%2e/%2e%2e/healthz', '%ZZ', '%', '%e0%a4%a') },
    { weight: 1, arbitrary: fc.nat({ max: 2_000 }).map((n) => 'a'.repeat(n + 1)) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent) },
  )
}

function queryString(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<string> {
  const known = (route.query ?? []).map((q) => q.name)
  const names = [...known, 'taskId', 'limit', 'cursor', 'status', '__proto__[x]', 'a[b][c]', 'expires', 'signature']
  const value = fc.oneof(fc.constantFrom(...ctx.ownIds, ...ctx.otherIds), fc.constantFrom(...NASTY).map((s) => (/%/.test(s) ? s : encodeURIComponent(s))), fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.constantFrom('0', '-1', '101', '1e3', 'queued', 'video', '%ff'))
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 4, arbitrary: fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 5 }).map((kv) => (kv.length ? `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}` : '')) },
    { weight: 1, arbitrary: fc.constantFrom(`?limit=${'9'.repeat(400)}`, `?${'a=1&'.repeat(2_000)}`, '?&&&=&=', '?limit=1&limit=2&limit=3', `?cursor=${'x'.repeat(5_000)}`, '?%', '?a=%zz') },
  )
}

function headers(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<{ headers: Record<string, string>; kind?: string }> {
  const auth = fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${ctx.keys.rich}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${ctx.keys.poor}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `bearer   ${ctx.keys.rich}  `, `Bearer ${ctx.keys.rich}x`, `Bearer ${ctx.keys.rich.slice(0, -1)}`, `Bearer sk_live_${'a'.repeat(500)}`, 'Bearer \u00ff\u00fe', `Bearer ${ctx.keys.rich} ${ctx.keys.rich}`) },
  )
  const idem = fc.oneof(
    { weight: 6, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom('reused-1', 'reused-2', 'reused-3') },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(256), 'k'.repeat(255), 'ключ', 'a\tb', '\u00ff') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  )
  const requestId = fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, fc.constantFrom('', 'x'.repeat(500), 'ok-id.1:2', '../../x', 'id with spaces', 'dup-id'))
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant({}) },
    fc.constantFrom<Record<string, string>>({ 'x-forwarded-for': '127.0.0.1, 10.0.0.1' }, { 'accept-encoding': 'gzip;q=0, br' }, { accept: 'text/html' }, { 'x-api-key': ctx.keys.rich }, { range: 'bytes=0-0,5-' }, { 'content-encoding': 'gzip' }, { 'transfer-encoding': 'chunked' }),
  )
  return fc.record({ auth, idem, requestId, extra }).map(({ auth, idem, requestId, extra }) => {
    const h: Record<string, string> = { ...extra }
    if (!route.public || auth !== `Bearer ${ctx.keys.rich}`) h.authorization = auth
    if (idem !== undefined) h['idempotency-key'] = idem
    if (requestId !== undefined) h['x-request-id'] = requestId
    return { headers: h }
  })
}

/** How fast-check prints a request in a counterexample: short, with the body cut. */
export function describe(r: FuzzRequest): string {
  const body = r.payload === undefined ? '' : typeof r.payload === 'string' ? ` ${JSON.stringify(r.payload.slice(0, 300))}` : ` <${r.payload.length} bytes: ${JSON.stringify(r.payload.subarray(0, 200).toString('latin1'))}…>`
  return `${r.method} ${r.url.slice(0, 300)} [${r.kind}] ${JSON.stringify(r.headers).slice(0, 400)}${body}`
}

function described(r: FuzzRequest): FuzzRequest {
  return Object.defineProperty(r, fc.toStringMethod, { value: () => describe(r), enumerable: false })
}

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/xml', 'application/jsonx', '', '*/*', 'multipart/form-data']

/** A hostile request to `route`. */
export function requestFor(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const path = fc.tuple(...route.params.map(() => pathValue(ctx))).map((vals) => {
    let i = 0
    return route.url.replace(/:\w+/g, () => vals[i++]!).replace('*', 'results/' + (vals[0] ?? 'x'))
  })
  const hasBody = route.method === 'POST' || route.method === 'PUT'
  const multipart = route.consumes.includes('multipart/form-data')
  const body: fc.Arbitrary<{ payload?: string | Buffer; contentType?: string; kind: string }> = !hasBody
    ? fc.oneof({ weight: 9, arbitrary: fc.constant({ kind: 'no-body' }) }, fc.constant({ payload: '{"unexpected":true}', contentType: 'application/json', kind: 'body-on-get' }))
    : fc.oneof(
        { weight: 10, arbitrary: jsonBody(route, ctx).map((b) => ({ ...b, contentType: 'application/json' })) },
        { weight: multipart ? 6 : 1, arbitrary: multipartBody() },
        { weight: 2, arbitrary: fc.tuple(jsonBody(route, ctx), fc.constantFrom(...CONTENT_TYPES)).map(([b, ct]) => ({ ...b, contentType: ct, kind: `content-type:${ct || 'none'}` })) },
      )
  return fc.record({ path, query: queryString(route, ctx), body, h: headers(route, ctx) }).map(({ path, query, body, h }) => {
    const hdrs = { ...h.headers }
    if (body.contentType) hdrs['content-type'] = body.contentType
    return described({ method: route.method, url: path + query, headers: hdrs, ...(body.payload !== undefined ? { payload: body.payload } : {}), kind: body.kind })
  })
}

/** Requests to URLs no route serves, under each dialect's prefix, with every method. */
export function strayRequest(prefixes: string[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      prefix: fc.constantFrom(...prefixes),
      rest: fc.oneof(fc.constantFrom(...NASTY).map((s) => (/%/.test(s) ? s : encodeURIComponent(s))), fc.string({ maxLength: 20 }).map(encodeURIComponent)),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    })
    .map(({ prefix, rest, method }) => described({ method, url: `${prefix}${rest}/zz`, headers: {}, kind: 'stray' }))
}
