import type { UpstreamResponse } from '../http/image-client.js'
import type { ProviderContext } from '../provider.js'

/** One 4K image in base64 stays well below. */
export const GEMINI_MAX_RESPONSE_BYTES = 128 * 1024 * 1024

/** `POST {baseUrl}/v1beta/models/{model}:generateContent` with the API key header. */
export async function generateContent(ctx: ProviderContext, model: string, json: string): Promise<UpstreamResponse> {
  const id = encodeURIComponent(model.replace(/^models\//, ''))
  const url = `${ctx.channel.baseUrl.replace(/\/+$/, '')}/v1beta/models/${id}:generateContent`
  return ctx.http.post(url, { 'x-goog-api-key': ctx.channel.apiKey, 'content-type': 'application/json' }, json, GEMINI_MAX_RESPONSE_BYTES)
}
