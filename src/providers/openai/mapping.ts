import { Blob } from 'node:buffer'
import type { FormData } from 'undici'
import { loadUndici } from '../../net/undici.js'
import { parseJson, redact, retryAfterMs, type UpstreamResponse } from '../http/image-client.js'
import type { ImageBytes } from '../reference-images.js'
import { extensionOf, imageMimeOf } from '../../media/mime.js'
import type { ImageParams, ImageResolution } from '../../domain/params.js'
import { ProviderError, type ProviderOutput } from '../provider.js'

// gpt-image-2 takes any WxH with both sides multiples of 16, long:short ≤ 3, at most 3840x2160.
const MAX_EDGE = 3840
const MAX_PIXELS = 3840 * 2160
/** Each tier aims at the pixel count of its square; 4K is the model's whole budget. */
const TIER_PIXELS: Record<ImageResolution, number> = { '1K': 1024 * 1024, '2K': 2048 * 2048, '4K': MAX_PIXELS }
const QUALITY = { LOW: 'low', MEDIUM: 'medium', HIGH: 'high' } as const

function parseRatio(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(s.trim())
  const w = Number(m?.[1])
  const h = Number(m?.[2])
  return w > 0 && h > 0 ? w / h : undefined
}

/** Our resolution tier + aspect ratio → the `size` string gpt-image-2 accepts. */
export function sizeFor(resolution: ImageResolution, aspectRatio: string): string {
  if (aspectRatio === 'auto') return 'auto'
  const r = parseRatio(aspectRatio)
  if (r === undefined || r > 3 || r < 1 / 3) throw new ProviderError('invalid_input', `aspect ratio ${aspectRatio} is outside 1:3..3:1`)
  const h = Math.sqrt(TIER_PIXELS[resolution] / r)
  const shrink = Math.min(1, MAX_EDGE / Math.max(h * r, h))
  const round16 = (x: number) => Math.max(16, Math.round(x / 16) * 16)
  let W = round16(h * r * shrink)
  let H = round16(h * shrink)
  // Rounding can overshoot a limit by one step: pull the long side back until it fits.
  while (W * H > MAX_PIXELS || Math.max(W, H) > MAX_EDGE || Math.max(W, H) / Math.min(W, H) > 3) {
    if (W >= H) W -= 16
    else H -= 16
  }
  return `${W}x${H}`
}

export type Moderation = 'low' | 'auto'

export function moderationOf(options: Record<string, unknown>): Moderation | undefined {
  return options.moderation === 'low' || options.moderation === 'auto' ? options.moderation : undefined
}

/** The JSON body of `POST /images/generations`. */
export function generationBody(p: ImageParams, model: string, moderation?: Moderation): Record<string, unknown> {
  return {
    model,
    prompt: p.prompt,
    n: p.n,
    size: sizeFor(p.resolution, p.aspectRatio),
    quality: QUALITY[p.quality],
    output_format: p.format,
    ...(moderation ? { moderation } : {}),
  }
}

/** The multipart body of `POST /images/edits`: arrays go as repeated `image[]` parts. */
export async function editForm(p: ImageParams, model: string, images: readonly ImageBytes[]): Promise<FormData> {
  const { FormData } = await loadUndici()
  const form = new FormData()
  form.append('model', model)
  form.append('prompt', p.prompt)
  form.append('n', String(p.n))
  form.append('size', sizeFor(p.resolution, p.aspectRatio))
  form.append('quality', QUALITY[p.quality])
  form.append('output_format', p.format)
  images.forEach((img, i) => form.append('image[]', new Blob([img.bytes], { type: img.mime }), `reference-${i}.${extensionOf(img.mime) ?? 'png'}`))
  return form
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** Decodes `data[].b64_json`; a 2xx that is not the documented shape is worth retrying. */
export async function outputsFromResponse(res: UpstreamResponse, apiKey: string): Promise<{ outputs: ProviderOutput[]; usage: unknown }> {
  const body = parseJson(res.text)
  const data = isRecord(body) && Array.isArray(body.data) ? body.data : undefined
  const outputs: ProviderOutput[] = []
  for (const item of data ?? []) {
    if (isRecord(item) && str(item.b64_json)) {
      const bytes = Buffer.from(str(item.b64_json), 'base64')
      const format = isRecord(body) && body.output_format === 'jpeg' ? 'image/jpeg' : 'image/png'
      outputs.push({ kind: 'bytes', bytes, mime: (await imageMimeOf(bytes)) ?? format })
    } else if (isRecord(item) && str(item.url)) outputs.push({ kind: 'url', url: str(item.url) })
  }
  if (outputs.length === 0) {
    const why = body === undefined ? 'malformed JSON' : 'no images in data[]'
    throw new ProviderError('upstream_bad_response', redact(`openai HTTP ${res.status} ${why}: ${res.text}`, apiKey, 300))
  }
  return { outputs, usage: isRecord(body) ? body.usage : undefined }
}

const CONTENT_CODES = new Set(['moderation_blocked', 'content_policy_violation'])
const BILLING_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active'])

/** Any non-2xx answer → a ProviderError. Pure: tested without a server. */
export function classifyOpenAiError(res: UpstreamResponse, apiKey: string, nowMs: number): ProviderError {
  const body = parseJson(res.text)
  const err = isRecord(body) && isRecord(body.error) ? body.error : {}
  const code = str(err.code)
  const type = str(err.type)
  const message = str(err.message) || res.text
  const requestId = res.headers['x-request-id']
  const detail = redact(
    `openai HTTP ${res.status}${code ? ` code=${code}` : ''}${type ? ` type=${type}` : ''}${requestId ? ` request=${requestId}` : ''}: ${message}`,
    apiKey,
    500,
  )
  const retryAfter = retryAfterMs(res.headers, nowMs)
  const retry = { retryAfterMs: retryAfter }
  const s = res.status
  if (BILLING_CODES.has(code)) return new ProviderError('upstream_billing', detail)
  if (s === 429) return new ProviderError('rate_limited', detail, retry)
  if (s === 408 || s === 409 || s >= 500) return new ProviderError('upstream_unavailable', detail, retry)
  if (s === 401 || s === 403) return new ProviderError('upstream_auth', detail)
  if (s === 404) return new ProviderError('model_unavailable', detail)
  if (s === 405 || s === 415) return new ProviderError('upstream_rejected', detail)
  if (s >= 400) {
    if (CONTENT_CODES.has(code) || /safety system|content policy/i.test(message)) return new ProviderError('content_rejected', detail)
    return new ProviderError('invalid_input', detail)
  }
  return new ProviderError('upstream_unavailable', detail, retry)
}
