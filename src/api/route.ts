import { z, type ZodType } from 'zod'
import { AppError } from '../errors.js'
import { BEFORE_BODY } from './plugins/auth.js'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteShorthandOptions } from 'fastify'

export interface RouteSpec<B extends ZodType, Q extends ZodType, P extends ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  dialect: string
  summary: string
  tags?: string[]
  body?: B
  query?: Q
  params?: P
  /** Headers documented in the OpenAPI output (validation happens in the handler). */
  headers?: Record<string, { required: boolean; description: string }>
  responses?: Record<number, string>
  preHandler?: RouteShorthandOptions['preHandler']
  /** Content types the body may have (default JSON only). */
  consumes?: string[]
  handler(
    input: { body: z.output<B>; query: z.output<Q>; params: z.output<P>; req: FastifyRequest },
    reply: FastifyReply,
  ): Promise<unknown>
}

export interface OpenApiOperation {
  method: string
  url: string
  summary: string
  tags: string[]
  body?: ZodType
  query?: ZodType
  params?: ZodType
  headers?: Record<string, { required: boolean; description: string }>
  responses: Record<number, string>
  consumes: string[]
  /** Routes without an auth preHandler are public (OpenAPI `security: []`). */
  public: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The dialect a route belongs to (set by `defineRoute`); its errors take that shape through the dialect's plugin scope. */
    dialect?: string
  }
  interface FastifyInstance {
    /** Route schemas declared once: they validate requests and generate `/openapi.json`. */
    openApiOperations: OpenApiOperation[]
  }
}

/** `prompt: Too small…` → a 400 naming the first offending field. */
function zodToAppError(where: 'body' | 'query' | 'params', err: z.ZodError): AppError {
  const issue = err.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : where
  const message = issue ? describeIssue(issue) : 'is invalid'
  return new AppError('invalid_request', `\`${field}\` ${message}`, { field })
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${issue.minimum} characters` : issue.origin === 'array' ? `must have at least ${issue.minimum} items` : `must be at least ${issue.minimum}`
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : issue.origin === 'array' ? `must have at most ${issue.maximum} items` : `must be at most ${issue.maximum}`
    case 'invalid_value':
      if (issue.input === undefined) return 'is required'
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`
    case 'unrecognized_keys':
      return `has unknown field(s) ${issue.keys.join(', ')}`
    // Refinements and formats carry their own wording, written in our schemas.
    case 'custom':
    case 'invalid_element':
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
      return issue.message
  }
}

function article(t: string): string {
  return t === 'object' || t === 'array' || t === 'integer' ? `an ${t}` : `a ${t}`
}

export function defineRoute<B extends ZodType = ZodType<undefined>, Q extends ZodType = ZodType<undefined>, P extends ZodType = ZodType<undefined>>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, P>,
): void {
  app.openApiOperations.push({
    method: spec.method,
    url: spec.url,
    summary: spec.summary,
    tags: spec.tags ?? [spec.dialect],
    ...(spec.body ? { body: spec.body } : {}),
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
    responses: spec.responses ?? { 200: 'OK' },
    consumes: spec.consumes ?? ['application/json'],
    public: !spec.preHandler,
  })
  // Header-only hooks (authentication) run on request; the rest once the body is parsed.
  const hooks = spec.preHandler === undefined ? [] : [spec.preHandler].flat()
  const early = hooks.filter((h) => BEFORE_BODY in h) as unknown as onRequestAsyncHookHandler[]
  const late = hooks.filter((h) => !(BEFORE_BODY in h))
  app.route({
    method: spec.method,
    url: spec.url,
    config: { dialect: spec.dialect },
    ...(early.length > 0 ? { onRequest: early } : {}),
    ...(late.length > 0 ? { preHandler: late } : {}),
    handler: async (req, reply) => {
      const parse = <T extends ZodType | undefined>(schema: T, value: unknown, where: 'body' | 'query' | 'params') => {
        if (!schema) return undefined
        const r = schema.safeParse(value, { reportInput: true })
        if (!r.success) throw zodToAppError(where, r.error)
        return r.data
      }
      const body = parse(spec.body, req.body ?? (spec.body ? {} : undefined), 'body') as z.output<B>
      const query = parse(spec.query, req.query, 'query') as z.output<Q>
      const params = parse(spec.params, req.params, 'params') as z.output<P>
      return spec.handler({ body, query, params, req }, reply)
    },
  })
}
