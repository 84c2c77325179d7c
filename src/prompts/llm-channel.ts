import { z } from 'zod'
import { CircuitBreaker } from '../providers/circuit-breaker.js'
import type { Clock } from '../domain/clock.js'

/** The operator's LLM channel: any OpenAI-compatible `POST {baseUrl}/chat/completions`. */
export const llmChannelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _').default('llm'),
  /** E.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama), a vLLM or gateway URL. */
  baseUrl: z.string().url(),
  /** Environment variable holding the key; local servers (Ollama, vLLM) need none. */
  apiKeyEnv: z.string().optional(),
  model: z.string().min(1),
  /** Bound on one chat-completions call; the pipeline never waits longer per step. */
  timeoutMs: z.number().int().positive().default(8_000),
  /** Calls in flight at once from one worker process; more wait (within their timeout). */
  maxConcurrent: z.number().int().positive().default(4),
  /** `max_tokens` of each call: caps what one prompt can cost upstream. */
  maxTokens: z.number().int().positive().default(600),
})

export type LlmChannelSpec = z.infer<typeof llmChannelSchema> & { apiKey: string }

export interface ChatMessage {
  role: 'system' | 'user'
  content: string
}

export type LlmAnswer = { ok: true; text: string; tokens: number } | { ok: false; reason: string }

export interface LlmHealth {
  channel: string
  state: 'closed' | 'half-open' | 'open' | 'rate-limited'
  /** Unix ms until which a 429's Retry-After keeps calls off the channel. */
  retryAt: number | null
}

export interface LlmClient {
  readonly id: string
  chat(messages: ChatMessage[]): Promise<LlmAnswer>
  health(): LlmHealth
}

/** Seconds or an HTTP date, as in RFC 9110; 30 s when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number {
  if (!header) return 30_000
  const sec = Number(header)
  if (Number.isFinite(sec)) return Math.max(0, sec * 1_000)
  const at = Date.parse(header)
  return Number.isFinite(at) ? Math.max(0, at - now) : 30_000
}

/** Waits for a free slot, or gives up when `signal` fires first. */
function createSlots(max: number) {
  let used = 0
  const waiting: Array<() => void> = []
  return {
    async acquire(signal: AbortSignal): Promise<boolean> {
      if (used < max) {
        used++
        return true
      }
      return new Promise<boolean>((resolve) => {
        const go = () => {
          signal.removeEventListener('abort', stop)
          used++
          resolve(true)
        }
        const stop = () => {
          waiting.splice(waiting.indexOf(go), 1)
          resolve(false)
        }
        waiting.push(go)
        signal.addEventListener('abort', stop, { once: true })
      })
    },
    release(): void {
      used--
      waiting.shift()?.()
    },
  }
}

interface ChatCompletion {
  choices?: Array<{ finish_reason?: string | null; message?: { content?: string | null; refusal?: string | null } }>
  usage?: { total_tokens?: number }
}

/** Strips what chatty models wrap an answer in: a code fence, surrounding quotes, a label. */
function cleanAnswer(text: string): string {
  let t = text.trim().replace(/^```[a-z]*\n?|\n?```$/g, '').trim()
  t = t.replace(/^(prompt|translation|enhanced prompt)\s*:\s*/i, '')
  if (/^".*"$/s.test(t) && !t.slice(1, -1).includes('"')) t = t.slice(1, -1)
  return t.trim()
}

/**
 * A chat-completions client with a timeout per call, a concurrency limit, a circuit breaker and
 * 429 back-off (timed on the injected clock). It never throws: every failure is a reason string
 * the job records, and the job goes on with the prompt it had.
 */
export function createLlmClient(spec: LlmChannelSpec, clock: Clock): LlmClient {
  const breaker = new CircuitBreaker(3, 30_000)
  const slots = createSlots(spec.maxConcurrent)
  let retryAt: number | null = null
  const url = `${spec.baseUrl.replace(/\/+$/, '')}/chat/completions`

  async function call(messages: ChatMessage[], signal: AbortSignal): Promise<LlmAnswer> {
    const res = await fetch(url, {
      method: 'POST',
      signal,
      headers: { 'content-type': 'application/json', ...(spec.apiKey ? { authorization: `Bearer ${spec.apiKey}` } : {}) },
      body: JSON.stringify({ model: spec.model, messages, stream: false, temperature: 0.2, max_tokens: spec.maxTokens }),
    })
    const text = await res.text()
    if (res.status === 429) {
      retryAt = clock.now() + retryAfterMs(res.headers.get('retry-after'), clock.now())
      return { ok: false, reason: 'llm rate limited' }
    }
    if (!res.ok) {
      breaker.failure(clock.now(), res.status === 401 || res.status === 403 || res.status === 404)
      return { ok: false, reason: `llm error (HTTP ${res.status})` }
    }
    let body: ChatCompletion
    try {
      body = JSON.parse(text) as ChatCompletion
    } catch {
      breaker.failure(clock.now())
      return { ok: false, reason: 'llm error (malformed answer)' }
    }
    breaker.success()
    const choice = body.choices?.[0]
    const content = cleanAnswer(choice?.message?.content ?? '')
    const tokens = body.usage?.total_tokens ?? 0
    if (choice?.message?.refusal || choice?.finish_reason === 'content_filter' || !content) return { ok: false, reason: 'llm refused' }
    // A cut-off answer drops the end of the prompt: never use it.
    if (choice?.finish_reason === 'length') return { ok: false, reason: 'llm answer truncated (maxTokens)' }
    return { ok: true, text: content, tokens }
  }

  return {
    id: spec.id,
    async chat(messages) {
      const now = clock.now()
      if (retryAt !== null && now < retryAt) return { ok: false, reason: 'llm rate limited' }
      retryAt = null
      if (!breaker.allow(now)) return { ok: false, reason: 'llm unavailable (circuit open)' }
      const signal = AbortSignal.timeout(spec.timeoutMs)
      if (!(await slots.acquire(signal))) return { ok: false, reason: 'llm busy (timeout waiting for a slot)' }
      try {
        return await call(messages, signal)
      } catch (err) {
        breaker.failure(clock.now())
        return { ok: false, reason: signal.aborted ? `llm timeout (${spec.timeoutMs} ms)` : 'llm error (connection)' }
      } finally {
        slots.release()
      }
    },
    health() {
      const now = clock.now()
      if (retryAt !== null && now < retryAt) return { channel: spec.id, state: 'rate-limited', retryAt }
      return { channel: spec.id, state: breaker.state(now), retryAt: null }
    },
  }
}
