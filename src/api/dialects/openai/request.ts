import { AppError } from '../../../errors.js'
import type { FastifyRequest } from 'fastify'
import type { UploadedFile } from './multipart.js'

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

/** Files may only come in the fields an endpoint names. */
export function onlyFileFields(files: UploadedFile[], allowed: string[]): void {
  const stray = files.find((f) => !allowed.includes(f.field))
  if (stray) throw new AppError('invalid_request', `\`${stray.field}\` is not a file field of this endpoint (expected ${allowed.join(' or ')})`, { field: stray.field })
}
