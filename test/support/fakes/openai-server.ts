import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PNG } from 'pngjs'
import { Response } from 'undici'

/** What the next request gets. Unscripted requests get `{ kind: 'success' }`. */
export type OpenAiBehaviour =
  | { kind: 'success'; images?: number; gate?: Promise<unknown> }
  | { kind: 'rate-limited'; retryAfter?: string; retryAfterMs?: string; code?: string }
  | { kind: 'server-error'; status?: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'moderation' }
  | { kind: 'bad-request'; message?: string }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }

export interface RecordedFile {
  field: string
  filename: string
  type: string
  bytes: Uint8Array
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** Parsed JSON; for multipart, the text fields. */
  body: unknown
  files: RecordedFile[]
}

export interface FakeOpenAi {
  /** Base URL including `/v1`, as the channel's `baseUrl`. */
  url: string
  apiKey: string
  requests: RecordedRequest[]
  script(...next: OpenAiBehaviour[]): void
  /** Drops scripted behaviours not yet used and the request log. */
  reset(): void
  waitForRequests(count: number): Promise<void>
  close(): Promise<void>
}

/** A tiny valid PNG whose colour depends on `seed`, so images in one answer differ. */
export function tinyPng(seed: number, size = 8): Buffer {
  const png = new PNG({ width: size, height: size })
  for (let i = 0; i < size * size; i++) {
    png.data.set([(seed * 53) & 255, (seed * 97 + i) & 255, (seed * 29) & 255, 255], i * 4)
  }
  return PNG.sync.write(png)
}

const GEN_FIELDS = new Set(['model', 'prompt', 'n', 'size', 'quality', 'output_format', 'moderation', 'background', 'output_compression', 'user'])
const EDIT_FIELDS = new Set(['model', 'prompt', 'n', 'size', 'quality', 'output_format', 'background', 'output_compression', 'input_fidelity', 'user'])

function error(message: string, type: string, code: string | null, param: string | null = null) {
  return JSON.stringify({ error: { message, type, param, code } })
}

/** Checks a body the way the Images API does; returns an error body or null. */
function invalid(body: Record<string, unknown>, edit: boolean): string | null {
  for (const k of Object.keys(body)) {
    if (!(edit ? EDIT_FIELDS : GEN_FIELDS).has(k)) return error(`Unknown parameter: '${k}'.`, 'invalid_request_error', 'unknown_parameter', k)
  }
  if (typeof body.prompt !== 'string' || !body.prompt) return error("Missing required parameter: 'prompt'.", 'invalid_request_error', 'missing_required_parameter', 'prompt')
  const n = Number(body.n ?? 1)
  if (!Number.isInteger(n) || n < 1 || n > 10) return error('Invalid n', 'invalid_request_error', 'invalid_value', 'n')
  const size = String(body.size ?? 'auto')
  const m = /^(\d+)x(\d+)$/.exec(size)
  if (size !== 'auto') {
    const [w, h] = [Number(m?.[1]), Number(m?.[2])]
    const ok = m && w % 16 === 0 && h % 16 === 0 && Math.max(w, h) <= 3840 && w * h <= 3840 * 2160 && w * h >= 655_360 && Math.max(w, h) / Math.min(w, h) <= 3
    if (!ok) return error(`Invalid size '${size}'.`, 'invalid_request_error', 'invalid_value', 'size')
  }
  if (body.quality !== undefined && !['low', 'medium', 'high', 'auto'].includes(String(body.quality))) return error('Invalid quality', 'invalid_request_error', 'invalid_value', 'quality')
  if (body.output_format !== undefined && !['png', 'jpeg', 'webp'].includes(String(body.output_format))) return error('Invalid output_format', 'invalid_request_error', 'invalid_value', 'output_format')
  return null
}

async function parseBody(raw: Buffer, headers: IncomingHttpHeaders): Promise<{ body: unknown; files: RecordedFile[] }> {
  const type = headers['content-type'] ?? ''
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData()
    const body: Record<string, unknown> = {}
    const files: RecordedFile[] = []
    for (const [field, v] of form.entries()) {
      if (typeof v === 'string') body[field] = v
      else files.push({ field, filename: v.name, type: v.type, bytes: new Uint8Array(await v.arrayBuffer()) })
    }
    return { body, files }
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [] }
  } catch {
    return { body: undefined, files: [] }
  }
}

/** A real HTTP server on 127.0.0.1 speaking the OpenAI Images API (generations and edits). */
export async function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  const apiKey = opts.apiKey ?? 'sk-test-fake-openai-key-0123456789'
  const queue: OpenAiBehaviour[] = []
  const requests: RecordedRequest[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  let seq = 0
  let imageSeq = 0

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake${++seq}`, ...headers })
    res.end(body)
  }

  async function respond(path: string, rec: RecordedRequest, res: ServerResponse) {
    const auth = rec.headers.authorization
    if (auth !== `Bearer ${apiKey}`) {
      const shown = auth ? `${auth.slice(7, 10)}*****${auth.slice(-4)}` : ''
      const msg = auth ? `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.` : "You didn't provide an API key."
      return send(res, 401, error(msg, 'invalid_request_error', auth ? 'invalid_api_key' : null))
    }
    const edit = path === '/v1/images/edits'
    if (path !== '/v1/images/generations' && !edit) return send(res, 404, error(`Invalid URL (${rec.method} ${path})`, 'invalid_request_error', null))
    if (typeof rec.body !== 'object' || rec.body === null) return send(res, 400, error('We could not parse the JSON body of your request.', 'invalid_request_error', null))
    const body = rec.body as Record<string, unknown>
    const bad = invalid(body, edit) ?? (edit && rec.files.filter((f) => f.field === 'image[]').length === 0 ? error("Missing required parameter: 'image'.", 'invalid_request_error', 'missing_required_parameter', 'image') : null)
    if (bad) return send(res, 400, bad)

    const b = queue.shift() ?? { kind: 'success' }
    switch (b.kind) {
      case 'success': {
        await b.gate
        const count = b.images ?? Number(body.n ?? 1)
        const data = Array.from({ length: count }, () => ({ b64_json: tinyPng(++imageSeq).toString('base64') }))
        const usage = { input_tokens: 50, input_tokens_details: { image_tokens: edit ? 40 : 0, text_tokens: 10 }, output_tokens: 272 * count, total_tokens: 50 + 272 * count }
        return send(res, 200, JSON.stringify({ created: 1_767_225_600, background: 'opaque', data, output_format: body.output_format ?? 'png', quality: body.quality ?? 'auto', size: body.size ?? 'auto', usage }))
      }
      case 'rate-limited':
        return send(res, 429, error('Rate limit reached for gpt-image-2 in organization org-fake on requests per min (RPM): Limit 5, Used 5.', 'requests', b.code ?? 'rate_limit_exceeded'), {
          ...(b.retryAfter ? { 'retry-after': b.retryAfter } : {}),
          ...(b.retryAfterMs ? { 'retry-after-ms': b.retryAfterMs } : {}),
        })
      case 'server-error':
        return send(res, b.status ?? 500, error('The server had an error while processing your request. Sorry about that!', 'server_error', null))
      case 'hang':
        return // never answers; close() drops the socket
      case 'malformed':
        return send(res, 200, '{"created": 1767225600, "data": [{"b64_json": "iVBOR')
      case 'moderation':
        return send(res, 400, error('Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID req_fake.', 'image_generation_user_error', 'moderation_blocked'))
      case 'bad-request':
        return send(res, 400, error(b.message ?? 'Invalid value for prompt.', 'invalid_request_error', 'invalid_value', 'prompt'))
      case 'raw':
        return send(res, b.status, b.body, b.headers)
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0] ?? '/'
        const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, ...(await parseBody(Buffer.concat(chunks), req.headers)) }
        requests.push(rec)
        for (const w of waiters.filter((x) => requests.length >= x.count)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve()
        }
        await respond(path, rec, res)
      })().catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, error(`fake failure: ${String(err)}`, 'server_error', null))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    script: (...next) => void queue.push(...next),
    reset: () => {
      queue.length = 0
      requests.length = 0
    },
    waitForRequests: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
