import type { JsonResponse } from '../http/json-client.js'
import type { ProviderContext } from '../provider.js'
import type { ReplicateCreate } from './mapping.js'

export interface ReplicateClient {
  create(req: ReplicateCreate): Promise<JsonResponse>
  get(id: string): Promise<JsonResponse>
  cancel(id: string): Promise<JsonResponse>
}

/**
 * Replicate's predictions API, Bearer auth. No `Prefer: wait`: the worker polls, so a create
 * must return at once instead of holding a connection for up to a minute.
 */
export function replicateClient(ctx: ProviderContext): ReplicateClient {
  const http = ctx.http.json({ label: 'replicate', authorization: `Bearer ${ctx.channel.apiKey}` })
  const one = (id: string) => `/v1/predictions/${encodeURIComponent(id)}`
  return {
    create: (req) => http.call('POST', req.path, req.body),
    get: (id) => http.call('GET', one(id)),
    cancel: (id) => http.call('POST', `${one(id)}/cancel`),
  }
}
