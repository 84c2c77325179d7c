import { AppError } from '../../errors.js'
import { requestFingerprint } from '../../domain/fingerprint.js'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** How a route takes `Idempotency-Key`: required (native generate), optional (the seed APIs), or not at all. */
export type IdempotencyMode = 'required' | 'optional' | 'none'

/** What a submit route gets from the shared idempotency step. */
export interface IdempotencyContext {
  /** The client's key, when it sent one (its length is the job service's rule). */
  key: string | undefined
  /** The job service's idempotency fields for this request: the key and the fingerprint of `payload` (the parsed body by default). */
  claim(payload?: unknown): { idempotencyKey?: string; fingerprint?: string }
  /** Marks the answer as the replay of an earlier request (`idempotent-replayed: true`). */
  replayed(reply: FastifyReply, replay: boolean): void
}

export const IDEMPOTENCY_DOCS: Record<Exclude<IdempotencyMode, 'none'>, { required: boolean; description: string }> = {
  required: { required: true, description: 'Unique per new request; a retry with the same key and body returns the original job.' },
  optional: { required: false, description: 'Optional; a retry with the same key and body returns the original job instead of a new one.' },
}

const NONE: IdempotencyContext = { key: undefined, claim: () => ({}), replayed: () => undefined }

/**
 * The one reading of `Idempotency-Key` for every dialect: the header, whether it must be there,
 * and the fingerprint (method, route, canonical body) a retry is compared by. `route` is the path
 * keys are bound to, so two paths of one operation replay each other.
 */
export function idempotencyOf(req: FastifyRequest, mode: IdempotencyMode, route: string, body: unknown): IdempotencyContext {
  if (mode === 'none') return NONE
  const raw = req.headers['idempotency-key']
  const key = typeof raw === 'string' ? raw : undefined
  if (mode === 'required' && (key === undefined || key.trim() === '')) {
    throw new AppError('invalid_request', 'The `Idempotency-Key` header is required on this request.', { field: 'Idempotency-Key' })
  }
  return {
    key,
    claim: (payload = body) => (key === undefined ? {} : { idempotencyKey: key, fingerprint: requestFingerprint(req.method, route, payload) }),
    replayed(reply, replay) {
      if (replay) void reply.header('idempotent-replayed', 'true')
    },
  }
}
