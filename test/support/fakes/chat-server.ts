import { send, startFakeServer, type FakeReply, type RecordedRequest } from './fake-kit.js'

/**
 * A fake OpenAI-compatible chat-completions server (`POST /v1/chat/completions`, streaming off),
 * as OpenAI, vLLM and Ollama's `/v1` answer it: `choices[].message`, `finish_reason`, `usage`,
 * OpenAI's error bodies, 429 with `Retry-After`, refusals, and answers as slow as a test wants.
 */
export type ChatReply = FakeReply | 'refusal' | 'content-filter' | 'truncated' | { slowMs: number } | { content: string }

export interface FakeChat {
  /** Base URL including `/v1`, as the LLM channel's `baseUrl`. */
  url: string
  apiKey: string
  requests: RecordedRequest[]
  /** The most requests that were being answered at once. */
  readonly maxInFlight: number
  /** The next `times` requests get `reply` instead of `answer`'s. */
  script(reply: ChatReply, opts?: { times?: number; retryAfterSec?: number }): void
  close(): Promise<void>
}

const err = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } })

const PRESETS = {
  'rate-limited': { status: 429, body: err('Rate limit reached for requests', 'requests', 'rate_limit_exceeded') },
  'server-error': { status: 500, body: err('The server had an error while processing your request.', 'server_error', null) },
  unavailable: { status: 503, body: err('The engine is currently overloaded, please try again later', 'server_error', null) },
  unauthorized: { status: 401, body: err('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key') },
  'model-not-found': { status: 404, body: err('The model `x` does not exist', 'invalid_request_error', 'model_not_found') },
  'invalid-input': { status: 400, body: err("'messages' is a required property", 'invalid_request_error', null) },
  'content-rejected': { status: 400, body: err('Your request was rejected by the safety system.', 'invalid_request_error', 'content_policy_violation') },
}

/**
 * `answer(system, user)` plays the model. Requests are checked like the real API checks them:
 * a bearer key, a JSON body with `model`, `messages` of `{role, content}`, and `stream` not true.
 */
export async function startFakeChat(answer: (system: string, user: string) => string, opts: { apiKey?: string } = {}): Promise<FakeChat> {
  const apiKey = opts.apiKey ?? 'sk-fake-llm'
  const requests: RecordedRequest[] = []
  const scripted: Array<{ reply: ChatReply; left: number; retryAfterSec: number }> = []
  let n = 0
  let inFlight = 0
  let maxInFlight = 0
  const completion = (model: string, content: string | null, finish: string, extra: object = {}) => ({
    id: `chatcmpl-${++n}`,
    object: 'chat.completion',
    created: 1_767_225_600,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, ...extra }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 },
  })
  const server = await startFakeServer(
    async (req, res, incoming) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      res.on('close', () => inFlight--)
      if (incoming.method !== 'POST' || incoming.url.pathname !== '/v1/chat/completions') return send(res, 404, err('Unknown request URL', 'invalid_request_error', 'unknown_url'))
      if (apiKey && req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, PRESETS.unauthorized.body)
      const body = incoming.body as { model?: unknown; messages?: Array<{ role?: unknown; content?: unknown }>; stream?: unknown; max_tokens?: unknown } | undefined
      if (typeof body?.model !== 'string' || !Array.isArray(body.messages) || body.messages.some((m) => typeof m.role !== 'string' || typeof m.content !== 'string')) {
        return send(res, 400, PRESETS['invalid-input'].body)
      }
      if (body.stream === true) return send(res, 400, err('This fake answers with streaming off only', 'invalid_request_error', null))
      const system = String(body.messages.find((m) => m.role === 'system')?.content ?? '')
      const user = String(body.messages.find((m) => m.role === 'user')?.content ?? '')
      const s = scripted[0]
      if (s && --s.left <= 0) scripted.shift()
      const r = s?.reply
      if (r && typeof r === 'object' && 'slowMs' in r) {
        await new Promise((resolve) => setTimeout(resolve, r.slowMs))
        if (res.destroyed || res.writableEnded) return
      } else if (r && typeof r === 'object' && 'content' in r) {
        return send(res, 200, completion(body.model, r.content, 'stop'))
      } else if (r === 'refusal') {
        return send(res, 200, completion(body.model, null, 'stop', { refusal: "I'm sorry, I can't help with that." }))
      } else if (r === 'content-filter') {
        return send(res, 200, completion(body.model, '', 'content_filter'))
      } else if (r === 'truncated') {
        return send(res, 200, completion(body.model, answer(system, user).slice(0, 10), 'length'))
      } else if (r === 'hang') {
        return
      } else if (r === 'reset') {
        return void res.socket?.destroy()
      } else if (r === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' })
        return void res.end('{"id":"chatcmpl-x","choices":[{"mess')
      } else if (typeof r === 'string') {
        const p = PRESETS[r as keyof typeof PRESETS]
        if (!p) throw new Error(`fake chat: unknown reply ${r}`)
        return send(res, p.status, p.body, p.status === 429 || p.status === 503 ? { 'retry-after': String(s?.retryAfterSec ?? 2) } : {})
      } else if (r && 'status' in r) {
        return send(res, r.status, r.body, r.headers)
      }
      send(res, 200, completion(body.model, answer(system, user), 'stop'))
    },
    { requests, crashBody: (e) => err(String(e), 'server_error', null) },
  )
  return {
    url: `${server.origin}/v1`,
    apiKey,
    requests,
    get maxInFlight() {
      return maxInFlight
    },
    script: (reply, o = {}) => void scripted.push({ reply, left: o.times ?? 1, retryAfterSec: o.retryAfterSec ?? 2 }),
    close: () => server.close(),
  }
}
