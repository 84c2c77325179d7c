import type { PromptMode } from './prompt-config.js'

/** What the job keeps of its prompt's way through the pipeline (the `prompt_pipeline` JSON column). */
export interface PromptRecord {
  mode: PromptMode
  original: string
  detectedLanguage: string | null
  /** The routed channel's language; null when it declares none. */
  targetLanguage?: string | null
  translated?: string
  enhanced?: string
  /** `pending` until the worker runs it; `applied` when the provider got a changed prompt. */
  state: 'pending' | 'raw' | 'applied' | 'unchanged' | 'skipped' | 'fallback'
  /** Why, for the customer and the operator: `skipped (no llm channel)`, `fallback (llm timeout (8000 ms))`. */
  summary: string
  latencyMs?: number
  tokens?: number
  /** Credits of the hold that pay for the pipeline; released when it did not apply. */
  surcharge: number
}

export function parseRecord(json: string | null): PromptRecord | null {
  return json ? (JSON.parse(json) as PromptRecord) : null
}

/** The prompt the provider gets. */
export function usedPrompt(r: PromptRecord): string {
  if (r.state !== 'applied') return r.original
  return r.enhanced ?? r.translated ?? r.original
}
