import { generationFailed, type JsonResponse } from '../http/json-client.js'
import type { ProviderContext } from '../provider.js'
import { parseFalUpstreamId } from './mapping.js'

export interface FalClient {
  submit(appId: string, input: Record<string, unknown>, webhookUrl?: string): Promise<JsonResponse>
  status(upstreamId: string): Promise<JsonResponse>
  result(upstreamId: string): Promise<JsonResponse>
  cancel(upstreamId: string): Promise<JsonResponse>
}

/** fal's queue API (`https://queue.fal.run`), `Authorization: Key …`. */
export function falClient(ctx: ProviderContext): FalClient {
  const http = ctx.http.json({ label: 'fal', authorization: `Key ${ctx.channel.apiKey}` })
  const path = (upstreamId: string) => {
    if (!parseFalUpstreamId(upstreamId)) throw generationFailed(`fal: malformed upstream id ${JSON.stringify(upstreamId)}`)
    return `/${upstreamId}`
  }
  return {
    submit: (appId, input, webhookUrl) => http.call('POST', `/${appId}${webhookUrl ? `?fal_webhook=${encodeURIComponent(webhookUrl)}` : ''}`, input),
    status: async (id) => http.call('GET', `${path(id)}/status?logs=0`),
    result: async (id) => http.call('GET', path(id)),
    cancel: async (id) => http.call('PUT', `${path(id)}/cancel`),
  }
}
