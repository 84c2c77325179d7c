import { BEFORE_BODY } from './plugins/auth.js'
import { idempotencyOf, IDEMPOTENCY_DOCS, type IdempotencyContext, type IdempotencyMode } from './plugins/idempotency.js'
import { parseInput } from './request-validation.js'
import type { z, ZodType } from 'zod'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteShorthandOptions } from 'fastify'

/** One documented answer of a route: what it means, and the body it has (JSON unless `contentType` says otherwise). */
export interface ResponseSpec {
  description: string
  schema?: ZodType
  /** Default `application/json`. */
  contentType?: string
  headers?: Record<string, string>
}

export interface RouteSpec<B extends ZodType, Q extends ZodType, P extends ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Relative to the plugin scope's prefix. */
  url: string
  dialect: string
  /** Unique across the server; the SDKs' method names. Derived from method and URL when absent. */
  operationId?: string
  summary: string
  description?: string
  tags?: string[]
  body?: B
  query?: Q
  params?: P
  /** Headers documented in the OpenAPI output (validation happens in the handler). */
  headers?: Record<string, { required: boolean; description: string }>
  /**
   * Answers by status. A string is a description only (kept for routes not yet given schemas);
   * an error status without a schema gets the dialect's error body in the document.
   */
  responses?: Record<number, string | ResponseSpec>
  /** Drives the shared Idempotency-Key step (default `none`). */
  idempotency?: IdempotencyMode
  /** The path keys are bound to when it is not this route's (two paths of one operation). */
  idempotencyRoute?: string
  /** No API key needed. Inside a dialect scope every other route is authenticated by the scope's hook. */
  public?: boolean
  /** A request body that the documentation shows. */
  example?: unknown
  preHandler?: RouteShorthandOptions['preHandler']
  /** Content types the body may have (default JSON only). */
  consumes?: string[]
  handler(
    input: { body: z.output<B>; query: z.output<Q>; params: z.output<P>; req: FastifyRequest; idempotency: IdempotencyContext },
    reply: FastifyReply,
  ): Promise<unknown>
}

export interface OpenApiOperation {
  method: string
  /** The full path, Fastify form (`/v1/jobs/:jobId`). */
  url: string
  dialect: string
  operationId: string
  summary: string
  description?: string
  tags: string[]
  body?: ZodType
  query?: ZodType
  params?: ZodType
  headers?: Record<string, { required: boolean; description: string }>
  responses: Record<number, ResponseSpec>
  consumes: string[]
  idempotency: IdempotencyMode
  example?: unknown
  /** Routes nobody authenticates are public (OpenAPI `security: []`). */
  public: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The dialect a route belongs to (set by `defineRoute`); its errors take that shape through the dialect's plugin scope. */
    dialect?: string
    /** Set on routes the dialect scope's authentication hook lets through. */
    public?: boolean
  }
  interface FastifyInstance {
    /** Route schemas declared once: they validate requests and generate the OpenAPI documents. */
    openApiOperations: OpenApiOperation[]
  }
}

/** Set on a dialect's plugin scope (and so seen by its children): one onRequest hook authenticates every route in it. */
export const AUTHENTICATED_SCOPE = 'reelayAuthenticatedScope'

/** `GET /v1/jobs/:jobId/result` → `getV1JobsJobIdResult`, for routes that name no operationId. */
function derivedOperationId(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean)
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')
}

function normalizeResponses(given: Record<number, string | ResponseSpec> | undefined): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {}
  for (const [code, r] of Object.entries(given ?? { 200: 'OK' })) out[Number(code)] = typeof r === 'string' ? { description: r } : r
  return out
}

export function defineRoute<B extends ZodType = ZodType<undefined>, Q extends ZodType = ZodType<undefined>, P extends ZodType = ZodType<undefined>>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, P>,
): void {
  const url = app.prefix + spec.url
  const idempotency = spec.idempotency ?? 'none'
  const scoped = app.hasDecorator(AUTHENTICATED_SCOPE)
  const hooks = spec.preHandler === undefined ? [] : [spec.preHandler].flat()
  // Header-only hooks (authentication) run on request; the rest once the body is parsed. In an
  // authenticated scope the scope's hook has already done it.
  const early = scoped ? [] : (hooks.filter((h) => BEFORE_BODY in h) as unknown as onRequestAsyncHookHandler[])
  const late = hooks.filter((h) => !(BEFORE_BODY in h))
  const isPublic = spec.public === true || (!scoped && early.length === 0)
  app.openApiOperations.push({
    method: spec.method,
    url,
    dialect: spec.dialect,
    operationId: spec.operationId ?? derivedOperationId(spec.method, url),
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags ?? [spec.dialect],
    ...(spec.body ? { body: spec.body } : {}),
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    headers: { ...(idempotency === 'none' ? {} : { 'Idempotency-Key': IDEMPOTENCY_DOCS[idempotency] }), ...spec.headers },
    responses: normalizeResponses(spec.responses),
    consumes: spec.consumes ?? ['application/json'],
    idempotency,
    ...(spec.example !== undefined ? { example: spec.example } : {}),
    public: isPublic,
  })
  const keyRoute = spec.idempotencyRoute === undefined ? url : app.prefix + spec.idempotencyRoute
  app.route({
    method: spec.method,
    url: spec.url,
    config: { dialect: spec.dialect, public: isPublic },
    ...(early.length > 0 ? { onRequest: early } : {}),
    ...(late.length > 0 ? { preHandler: late } : {}),
    handler: async (req, reply) => {
      const body = parseInput(spec.body, req.body ?? (spec.body ? {} : undefined), 'body') as z.output<B>
      const query = parseInput(spec.query, req.query, 'query') as z.output<Q>
      const params = parseInput(spec.params, req.params, 'params') as z.output<P>
      return spec.handler({ body, query, params, req, idempotency: idempotencyOf(req, idempotency, keyRoute, body) }, reply)
    },
  })
}
