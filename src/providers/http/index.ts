import type { ChannelConfig } from '../provider.js'
import { postForText, type UpstreamResponse } from './image-client.js'
import { createJsonClient, type JsonClient, type JsonClientOptions } from './json-client.js'

/**
 * The HTTP an adapter gets in its context, bound to the job's channel (base URL, timeouts,
 * secrets to redact) and abort signal. Both clients run on the one pooled transport and report
 * failures as ProviderError classes.
 */
export interface ProviderHttp {
  /** A JSON task-API client (submit, poll, cancel: 30 s unless the channel says otherwise). */
  json(opts: JsonClientOptions): JsonClient
  /** One POST to a synchronous API that answers with the result (300 s), read as text up to the channel's or `defaultMaxBytes`. */
  post(url: string, headers: Record<string, string>, body: string | Uint8Array, defaultMaxBytes: number): Promise<UpstreamResponse>
}

export function createProviderHttp(channel: ChannelConfig, signal?: AbortSignal): ProviderHttp {
  return {
    json: (opts) => createJsonClient(channel, signal, opts),
    post: (url, headers, body, defaultMaxBytes) => postForText(channel, signal, url, headers, body, defaultMaxBytes),
  }
}
