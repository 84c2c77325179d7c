import type { FastifyRequest } from 'fastify'

/** The dialect's name, as its routes and jobs record it. */
export const D = 'openai'

export const IDEMPOTENCY_HEADER = {
  'Idempotency-Key': { required: false, description: 'Optional. A retry with the same key and body returns the original job instead of a new one.' },
}

/** The `Idempotency-Key` header when the client sent one; OpenAI's API does not require it. */
export function idempotencyKey(req: FastifyRequest): string | undefined {
  const key = req.headers['idempotency-key']
  return typeof key === 'string' ? key : undefined
}
