import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PNG } from 'pngjs'

/** What the next generateContent call gets. Unscripted calls get `{ kind: 'success' }`. */
export type GeminiBehaviour =
  /** One image (plus a text part); `thoughtImage` adds an interim thought image before it. */
  | { kind: 'success'; thoughtImage?: boolean; gate?: Promise<unknown> }
  | { kind: 'blocked'; reason?: string }
  | { kind: 'finish'; reason: string }
  | { kind: 'text-only' }
  | { kind: 'rate-limited'; retryDelay?: string; retryAfter?: string }
  | { kind: 'server-error'; status?: 500 | 503 | 504 }
  | { kind: 'invalid-argument'; message?: string }
  | { kind: 'unauthenticated' }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }

export interface RecordedRequest {
  method: string
  path: string
  /** The `{model}` of `/v1beta/models/{model}:generateContent`, when the path matched. */
  model: string | undefined
  headers: IncomingHttpHeaders
  body: unknown
}

export interface FakeGemini {
  /** Base URL without `/v1beta`, as the channel's `baseUrl`. */
  url: string
  apiKey: string
  requests: RecordedRequest[]
  /** The most calls that were waiting for an answer at the same time. */
  maxInFlight: number
  script(...next: GeminiBehaviour[]): void
  /** Drops scripted behaviours not yet used and the request log. */
  reset(): void
  waitForRequests(count: number): Promise<void>
  close(): Promise<void>
}

export function tinyPng(seed: number, size = 8): Buffer {
  const png = new PNG({ width: size, height: size })
  for (let i = 0; i < size * size; i++) png.data.set([(seed * 41) & 255, (seed * 13 + i) & 255, (seed * 71) & 255, 255], i * 4)
  return PNG.sync.write(png)
}

const STATUS_CODE: Record<string, number> = { INVALID_ARGUMENT: 400, PERMISSION_DENIED: 403, UNAUTHENTICATED: 401, RESOURCE_EXHAUSTED: 429, INTERNAL: 500, UNAVAILABLE: 503, DEADLINE_EXCEEDED: 504, NOT_FOUND: 404 }
const RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9']
const CONFIG_FIELDS = new Set(['responseModalities', 'imageConfig', 'temperature', 'topP', 'topK', 'seed', 'candidateCount', 'maxOutputTokens', 'thinkingConfig'])

function googleError(status: string, message: string, details: unknown[] = []): [number, string] {
  const code = STATUS_CODE[status] ?? 500
  return [code, JSON.stringify({ error: { code, message, status, ...(details.length ? { details } : {}) } }, null, 2)]
}

/** Checks a body the way the REST API does (unknown fields are rejected); null when fine. */
function invalid(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return 'Invalid JSON payload received.'
  const b = body as { contents?: unknown; generationConfig?: Record<string, unknown> }
  const contents = Array.isArray(b.contents) ? (b.contents as Array<{ parts?: unknown }>) : []
  if (contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified'
  for (const c of contents) {
    if (!Array.isArray(c.parts) || c.parts.length === 0) return '* GenerateContentRequest.contents.parts: contents.parts must not be empty.'
    for (const p of c.parts as Array<Record<string, unknown>>) {
      const inline = p.inlineData as { mimeType?: unknown; data?: unknown } | undefined
      if (typeof p.text !== 'string' && !(inline && typeof inline.mimeType === 'string' && typeof inline.data === 'string')) return 'Invalid value at contents.parts: expected text or inlineData'
    }
  }
  const cfg = b.generationConfig ?? {}
  for (const k of Object.keys(cfg)) if (!CONFIG_FIELDS.has(k)) return `Invalid JSON payload received. Unknown name "${k}" at 'generation_config': Cannot find field.`
  const image = (cfg.imageConfig ?? {}) as Record<string, unknown>
  if (image.imageSize !== undefined && !['1K', '2K', '4K'].includes(String(image.imageSize))) return 'Invalid image size.'
  if (image.aspectRatio !== undefined && !RATIOS.includes(String(image.aspectRatio))) return 'Invalid aspect ratio.'
  return null
}

function candidate(parts: unknown[], finishReason: string) {
  return { content: { role: 'model', parts }, finishReason, index: 0 }
}

/** A real HTTP server on 127.0.0.1 speaking the Gemini API's `generateContent`. */
export async function startFakeGemini(opts: { apiKey?: string } = {}): Promise<FakeGemini> {
  const apiKey = opts.apiKey ?? 'AIzaFakeGeminiKey0123456789abcdefghij'
  const queue: GeminiBehaviour[] = []
  const requests: RecordedRequest[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  let seq = 0
  let inFlight = 0
  const state = { maxInFlight: 0 }

  function send(res: ServerResponse, [status, body]: [number, string], headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers })
    res.end(body)
  }

  async function respond(rec: RecordedRequest, url: URL, res: ServerResponse) {
    const key = rec.headers['x-goog-api-key'] ?? url.searchParams.get('key')
    if (!key) return send(res, googleError('PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."))
    if (key !== apiKey) {
      return send(res, googleError('INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }]))
    }
    if (rec.method !== 'POST' || !rec.model) return send(res, [404, '<!DOCTYPE html><title>Error 404 (Not Found)!!1</title>'], { 'content-type': 'text/html' })
    const bad = invalid(rec.body)
    if (bad) return send(res, googleError('INVALID_ARGUMENT', bad))

    const b = queue.shift() ?? { kind: 'success' }
    const n = ++seq
    const id = `fakeResp${n}`
    const usageMetadata = { promptTokenCount: 12, candidatesTokenCount: 1120, totalTokenCount: 1132, candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1120 }] }
    const ok = (body: unknown) => send(res, [200, JSON.stringify(body)])
    switch (b.kind) {
      case 'success': {
        await b.gate
        const parts: unknown[] = [{ text: 'Here is the image.' }]
        if (b.thoughtImage) parts.unshift({ thought: true, inlineData: { mimeType: 'image/png', data: tinyPng(999, 4).toString('base64') } })
        parts.push({ inlineData: { mimeType: 'image/png', data: tinyPng(n).toString('base64') }, thoughtSignature: 'c2ln' })
        return ok({ candidates: [candidate(parts, 'STOP')], usageMetadata, modelVersion: rec.model, responseId: id })
      }
      case 'blocked':
        return ok({ promptFeedback: { blockReason: b.reason ?? 'PROHIBITED_CONTENT' }, usageMetadata, modelVersion: rec.model, responseId: id })
      case 'finish':
        return ok({ candidates: [candidate([], b.reason)], usageMetadata, modelVersion: rec.model, responseId: id })
      case 'text-only':
        return ok({ candidates: [candidate([{ text: 'I cannot draw that, but here is a poem instead.' }], 'STOP')], usageMetadata, modelVersion: rec.model, responseId: id })
      case 'rate-limited': {
        const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: b.retryDelay ?? '7s' }]
        return send(res, googleError('RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', details), b.retryAfter ? { 'retry-after': b.retryAfter } : {})
      }
      case 'server-error': {
        const status = { 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' }[b.status ?? 500]
        return send(res, googleError(status, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'))
      }
      case 'invalid-argument':
        return send(res, googleError('INVALID_ARGUMENT', b.message ?? 'Request contains an invalid argument.'))
      case 'unauthenticated':
        return send(res, googleError('UNAUTHENTICATED', 'Request had invalid authentication credentials.'))
      case 'hang':
        return
      case 'malformed':
        return send(res, [200, '{"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBOR'])
      case 'raw':
        return send(res, [b.status, b.body], b.headers)
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
      } catch {
        body = undefined
      }
      const model = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(url.pathname)?.[1]
      const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, model, headers: req.headers, body }
      requests.push(rec)
      for (const w of waiters.filter((x) => requests.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      inFlight++
      state.maxInFlight = Math.max(state.maxInFlight, inFlight)
      res.on('close', () => inFlight--)
      respond(rec, url, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, googleError('INTERNAL', `fake failure: ${String(err)}`))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    get maxInFlight() {
      return state.maxInFlight
    },
    script: (...next) => void queue.push(...next),
    reset: () => {
      queue.length = 0
      requests.length = 0
      state.maxInFlight = 0
    },
    waitForRequests: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
