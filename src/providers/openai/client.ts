import type { FormData } from 'undici'
import { loadUndici } from '../../net/undici.js'
import type { UpstreamResponse } from '../http/image-client.js'
import type { ProviderContext } from '../provider.js'

/** Four 4K PNGs in base64 stay well below. */
export const OPENAI_MAX_RESPONSE_BYTES = 256 * 1024 * 1024

/** POSTs JSON or multipart to `{baseUrl}{path}` with bearer auth. */
export async function callOpenAi(ctx: ProviderContext, path: string, body: { json: unknown } | { form: FormData }): Promise<UpstreamResponse> {
  let payload: string | Uint8Array
  let contentType: string
  if ('json' in body) {
    payload = JSON.stringify(body.json)
    contentType = 'application/json'
  } else {
    // undici's own encoder builds the multipart body and its boundary.
    const { Response } = await loadUndici()
    const encoded = new Response(body.form)
    payload = new Uint8Array(await encoded.arrayBuffer())
    contentType = encoded.headers.get('content-type') ?? 'multipart/form-data'
  }
  const headers = { authorization: `Bearer ${ctx.channel.apiKey}`, 'content-type': contentType }
  return ctx.http.post(`${ctx.channel.baseUrl.replace(/\/+$/, '')}${path}`, headers, payload, OPENAI_MAX_RESPONSE_BYTES)
}
