import { detectLanguage, sameLanguage } from './detect.js'
import { describeLoss, lostFacts } from './preserve.js'
import type { JobType } from '../domain/params.js'
import type { ChatMessage, LlmClient } from './llm-channel.js'
import type { PromptConfig, PromptMode } from './prompt-config.js'
import type { PromptRecord } from './record.js'

const LANGUAGE_NAMES: Record<string, string> = {
  zh: 'Simplified Chinese',
  en: 'English',
  ja: 'Japanese',
  ko: 'Korean',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
  pt: 'Portuguese',
}

const KEEP =
  'Keep every number, every quoted text (unchanged, inside its quotes), every name, brand and Latin-script word exactly as written, and every negative instruction (such as "no text" or "without people") as a negative instruction.'

export const DEFAULT_INSTRUCTIONS: Record<JobType, string> = {
  video:
    'Rewrite the prompt for a video generation model as one detailed paragraph in the same language as the prompt. Make explicit the subject, the action, the camera movement, the lighting, the style and the pacing. Do not add new characters, objects or text.',
  image:
    'Rewrite the prompt for an image generation model as one detailed paragraph in the same language as the prompt. Make explicit the composition, the materials and textures, the lighting and the style. Do not add new characters, objects or text.',
}

/** The record a job starts with, made at submit (detection is cheap and offline). */
export async function startRecord(config: PromptConfig, prompt: string, mode: PromptMode, surcharge: number): Promise<PromptRecord> {
  const detectedLanguage = config.settings.steps.detect ? await detectLanguage(prompt) : null
  const base = { mode, original: prompt, detectedLanguage, surcharge }
  if (mode === 'raw') return { ...base, surcharge: 0, state: 'raw', summary: 'raw (as requested)' }
  if (!config.llm) return { ...base, surcharge: 0, state: 'skipped', summary: 'skipped (no llm channel)' }
  return { ...base, state: 'pending', summary: 'pending' }
}

/** The surcharge a mode costs under the price book, when an LLM channel can run it. */
export function promptSurcharge(config: PromptConfig, prices: { translate: number; enhance: number }, mode: PromptMode): number {
  if (!config.llm || mode === 'raw') return 0
  return mode === 'enhance' ? prices.enhance : prices.translate
}

function messages(system: string, prompt: string): ChatMessage[] {
  return [
    { role: 'system', content: `${system} ${KEEP} Answer with the prompt only, no explanations.` },
    { role: 'user', content: prompt },
  ]
}

export interface RunInput {
  record: PromptRecord
  type: JobType
  model: string
  /** The routed channel's language (ISO 639-1), or null. */
  targetLanguage: string | null
}

/**
 * Runs translate and enhance for a pending record. Never throws and never fails the job: each
 * step that errs, times out, is refused or loses a fact leaves the prompt as it was before it,
 * and the record says why. Each step is bounded by the LLM channel's timeout.
 */
export async function runPipeline(config: PromptConfig, llm: LlmClient | null, input: RunInput, now: () => number = () => performance.now()): Promise<PromptRecord> {
  const { record, targetLanguage } = input
  const started = now()
  const base: PromptRecord = { ...record, targetLanguage }
  delete base.translated
  delete base.enhanced
  if (!llm) return { ...base, state: 'skipped', summary: 'skipped (no llm channel)' }
  const steps = config.settings.steps
  const done = (r: Partial<PromptRecord> & Pick<PromptRecord, 'state' | 'summary'>): PromptRecord => ({ ...base, ...r, latencyMs: Math.round(now() - started) })
  let tokens = 0
  let text = record.original
  let translated: string | undefined
  const needsTranslation = steps.translate && targetLanguage !== null && !sameLanguage(record.detectedLanguage, targetLanguage)
  if (needsTranslation) {
    const name = LANGUAGE_NAMES[targetLanguage] ?? targetLanguage
    const ans = await llm.chat(messages(`Translate the ${input.type} generation prompt into ${name}.`, text))
    if (!ans.ok) return done({ state: 'fallback', summary: `fallback (${ans.reason})` })
    tokens += ans.tokens
    const lost = lostFacts(text, ans.text, false)
    if (lost.length) return done({ state: 'fallback', summary: `fallback (translation lost ${describeLoss(lost)})`, tokens })
    text = translated = ans.text
  }
  const wantsEnhance = record.mode === 'enhance' && steps.enhance
  if (!wantsEnhance) {
    if (translated === undefined) {
      const why = !targetLanguage ? 'channel declares no language' : !steps.translate ? 'translate step off' : `already ${targetLanguage}`
      return done({ state: 'unchanged', summary: `unchanged (${why})` })
    }
    return done({ state: 'applied', summary: 'applied (translated)', translated, tokens })
  }
  const instruction = config.settings.instructions[input.model] ?? config.settings.instructions[input.type] ?? DEFAULT_INSTRUCTIONS[input.type]
  const ans = await llm.chat(messages(instruction, text))
  const keepTranslation = (why: string): PromptRecord =>
    translated === undefined
      ? done({ state: 'fallback', summary: `fallback (${why})`, tokens })
      : done({ state: 'applied', summary: `applied (translated; enhancement skipped: ${why})`, translated, tokens })
  if (!ans.ok) return keepTranslation(ans.reason)
  tokens += ans.tokens
  // Checked against the customer's own words too: a fact the translation kept must still be there.
  const lost = [...lostFacts(text, ans.text, true), ...(translated === undefined ? [] : lostFacts(record.original, ans.text, false))]
  if (lost.length) return keepTranslation(`enhancement lost ${describeLoss(lost)}`)
  return done({ state: 'applied', summary: translated === undefined ? 'applied (enhanced)' : 'applied (translated, enhanced)', ...(translated === undefined ? {} : { translated }), enhanced: ans.text, tokens })
}
