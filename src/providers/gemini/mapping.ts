import { parseJson, redact, retryAfterMs, type UpstreamResponse } from '../http/image-client.js'
import type { ImageBytes } from '../reference-images.js'
import { imageMimeOf } from '../../media/mime.js'
import type { ImageParams } from '../../domain/params.js'
import { ProviderError, type ProviderOutput } from '../provider.js'

/**
 * The `generateContent` body for one image. Gemini has no quality, format, seed or count
 * fields in this API, so those params are not sent; `auto` leaves the ratio to the model.
 */
export function requestBody(p: ImageParams, references: readonly ImageBytes[]): Record<string, unknown> {
  return {
    contents: [
      {
        role: 'user',
        parts: [{ text: p.prompt }, ...references.map((r) => ({ inlineData: { mimeType: r.mime, data: Buffer.from(r.bytes).toString('base64') } }))],
      },
    ],
    generationConfig: {
      responseModalities: ['TEXT', 'IMAGE'],
      imageConfig: { ...(p.aspectRatio === 'auto' ? {} : { aspectRatio: p.aspectRatio }), imageSize: p.resolution },
    },
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

const CONTENT_FINISH = new Set(['SAFETY', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION', 'IMAGE_RECITATION'])

export interface GeminiResult {
  outputs: ProviderOutput[]
  responseId: string | undefined
  usage: unknown
}

/**
 * Reads a 2xx answer. Per candidate the last non-thought image part is the result (Gemini 3
 * Pro may emit interim "thought" images first). A blocked prompt or a safety finish is the
 * customer's content; an answer with no image and no safety reason (text only, NO_IMAGE,
 * IMAGE_OTHER) is a user-kind `generation_failed`, because the call was billed and the same
 * prompt usually gets the same refusal: retrying would bill again until the deadline.
 */
export async function outputsFromResponse(res: UpstreamResponse, apiKey: string): Promise<GeminiResult> {
  const body = parseJson(res.text)
  const excerpt = (why: string) => redact(`gemini HTTP ${res.status} ${why}`, apiKey, 400)
  if (!isRecord(body)) throw new ProviderError('upstream_bad_response', excerpt(`malformed JSON: ${res.text}`))
  const blockReason = isRecord(body.promptFeedback) ? str(body.promptFeedback.blockReason) : ''
  if (blockReason) throw new ProviderError('content_rejected', excerpt(`prompt blocked: ${blockReason}`))

  const outputs: ProviderOutput[] = []
  const finishes: string[] = []
  const texts: string[] = []
  const candidates = list(body.candidates).filter(isRecord)
  for (const c of candidates) {
    finishes.push(str(c.finishReason))
    let image: ProviderOutput | undefined
    for (const part of list(isRecord(c.content) ? c.content.parts : undefined).filter(isRecord)) {
      if (part.thought === true) continue
      if (str(part.text)) texts.push(str(part.text))
      const data = isRecord(part.inlineData) ? part.inlineData : undefined
      if (!data || !str(data.data) || !str(data.mimeType).startsWith('image/')) continue
      const bytes = Buffer.from(str(data.data), 'base64')
      image = { kind: 'bytes', bytes, mime: (await imageMimeOf(bytes)) ?? str(data.mimeType) }
    }
    if (image) outputs.push(image)
  }
  const responseId = str(body.responseId) || undefined
  if (outputs.length > 0) return { outputs, responseId, usage: body.usageMetadata }

  const why = `finishReason=${finishes.join(',') || 'none'}${texts.length ? ` text=${texts.join(' ')}` : ''}`
  if (finishes.some((f) => CONTENT_FINISH.has(f))) throw new ProviderError('content_rejected', excerpt(why))
  if (candidates.length === 0) throw new ProviderError('upstream_bad_response', excerpt(`no candidates: ${res.text}`))
  throw new ProviderError('generation_failed', excerpt(`no image: ${why}`))
}

/** google.rpc.RetryInfo `retryDelay` ("37s", "1.5s") from the error details, in ms. */
function retryInfoMs(details: unknown[]): number | undefined {
  for (const d of details) {
    if (!isRecord(d) || !str(d['@type']).endsWith('google.rpc.RetryInfo')) continue
    const m = /^(\d+(?:\.\d+)?)s$/.exec(str(d.retryDelay))
    if (m) return Math.ceil(Number(m[1]) * 1000)
  }
  return undefined
}

// An invalid or expired key comes back as 400 INVALID_ARGUMENT, not 401.
const KEY_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED', 'API_KEY_HTTP_REFERRER_BLOCKED', 'API_KEY_IP_ADDRESS_BLOCKED'])
const AUTH_STATUS = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])
const RETRY_STATUS = new Set(['RESOURCE_EXHAUSTED', 'INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'CANCELLED', 'ABORTED', 'UNKNOWN'])

/** Any non-2xx answer → a ProviderError, by the `error.status` enum first, then HTTP status. */
export function classifyGeminiError(res: UpstreamResponse, apiKey: string, nowMs: number): ProviderError {
  const body = parseJson(res.text)
  const err = isRecord(body) && isRecord(body.error) ? body.error : {}
  const status = str(err.status)
  const details = list(err.details)
  const reasons = details.filter(isRecord).map((d) => str(d.reason)).filter(Boolean)
  const detail = redact(`gemini HTTP ${res.status}${status ? ` ${status}` : ''}${reasons.length ? ` reason=${reasons.join(',')}` : ''}: ${str(err.message) || res.text}`, apiKey, 500)
  const wait = retryAfterMs(res.headers, nowMs) ?? retryInfoMs(details)
  const retry = { retryAfterMs: wait }
  const s = res.status
  if (reasons.some((r) => KEY_REASONS.has(r)) || AUTH_STATUS.has(status)) return new ProviderError('upstream_auth', detail)
  if (status === 'NOT_FOUND') return new ProviderError('model_unavailable', detail)
  // Gemini answers FAILED_PRECONDITION where the free tier is closed and billing is needed.
  if (status === 'FAILED_PRECONDITION') return new ProviderError('upstream_billing', detail)
  if (status === 'RESOURCE_EXHAUSTED' || s === 429) return new ProviderError('rate_limited', detail, retry)
  if (RETRY_STATUS.has(status)) return new ProviderError('upstream_unavailable', detail, retry)
  if (status === 'INVALID_ARGUMENT' || status === 'OUT_OF_RANGE') return new ProviderError('invalid_input', detail)
  if (s === 401 || s === 403) return new ProviderError('upstream_auth', detail)
  if (s === 404) return new ProviderError('model_unavailable', detail)
  if (s === 408 || s >= 500 || s < 400) return new ProviderError('upstream_unavailable', detail, retry)
  return new ProviderError('invalid_input', detail)
}
