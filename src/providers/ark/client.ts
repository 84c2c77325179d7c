import type { JsonResponse } from '../http/json-client.js'
import type { ProviderContext } from '../provider.js'
import type { ArkCreateBody } from './mapping.js'

const TASKS = '/contents/generations/tasks'

export interface ArkClient {
  create(body: ArkCreateBody): Promise<JsonResponse>
  get(id: string): Promise<JsonResponse>
  remove(id: string): Promise<JsonResponse>
}

/** Ark's content-generation task endpoints under the channel's `/api/v3` base, Bearer auth. */
export function arkClient(ctx: ProviderContext): ArkClient {
  const http = ctx.http.json({ label: 'ark', authorization: `Bearer ${ctx.channel.apiKey}` })
  const one = (id: string) => `${TASKS}/${encodeURIComponent(id)}`
  return {
    create: (body) => http.call('POST', TASKS, body),
    get: (id) => http.call('GET', one(id)),
    remove: (id) => http.call('DELETE', one(id)),
  }
}
