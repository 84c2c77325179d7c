import { z } from 'zod'
import { ConfigError, readJsonFile } from '../config.js'
import { llmChannelSchema, type LlmChannelSpec } from './llm-channel.js'

export const PROMPT_MODES = ['raw', 'translate', 'enhance'] as const
/** `raw`: the prompt as sent; `translate`: into the channel's language; `enhance`: translate, then enrich. */
export type PromptMode = (typeof PROMPT_MODES)[number]

const mode = z.enum(PROMPT_MODES)

/** The `prompts` section of the channel file: which steps run and each default. */
export const promptSettingsSchema = z.object({
  steps: z.object({ detect: z.boolean().default(true), translate: z.boolean().default(true), enhance: z.boolean().default(true) }).prefault({}),
  /** Used when neither the request, the account, the plan nor the model says otherwise. */
  defaultMode: mode.default('translate'),
  modeByModel: z.record(z.string(), mode).default({}),
  modeByPlan: z.record(z.string(), mode).default({}),
  /** Enhancement instruction per model id, or per type (`video`, `image`); the built-ins otherwise. */
  instructions: z.record(z.string(), z.string().min(1)).default({}),
})

export type PromptSettings = z.infer<typeof promptSettingsSchema>

export interface PromptConfig {
  llm: LlmChannelSpec | null
  settings: PromptSettings
}

const fileSchema = z.object({ llm: llmChannelSchema.optional(), prompts: promptSettingsSchema.prefault({}) }).passthrough()

export const DEFAULT_PROMPT_CONFIG: PromptConfig = { llm: null, settings: promptSettingsSchema.parse({}) }

/** Reads `llm` and `prompts` from the channel file; no file or no `llm` means no LLM channel. */
export function loadPromptConfig(file: string | undefined, env: Record<string, string | undefined>, leaseMs = Infinity): PromptConfig {
  if (!file) return DEFAULT_PROMPT_CONFIG
  const parsed = fileSchema.safeParse(readJsonFile(file))
  if (!parsed.success) {
    throw new ConfigError(`Invalid channels file ${file}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`)
  }
  const { llm, prompts } = parsed.data
  if (!llm) return { llm: null, settings: prompts }
  const apiKey = llm.apiKeyEnv ? env[llm.apiKeyEnv] : ''
  if (llm.apiKeyEnv && !apiKey) throw new ConfigError(`Invalid channels file ${file}:\n  llm: environment variable ${llm.apiKeyEnv} is empty`)
  // Translate and enhance run while the worker holds the job's lease: both must fit in it.
  if (2 * llm.timeoutMs >= leaseMs) throw new ConfigError(`Invalid channels file ${file}:\n  llm.timeoutMs: must be under half of REELAY_LEASE_MS (${leaseMs} ms)`)
  return { llm: { ...llm, apiKey: apiKey ?? '' }, settings: prompts }
}

/** Request, then account, then plan, then model, then the operator's default. */
export function resolvePromptMode(s: PromptSettings, o: { request?: PromptMode | undefined; account?: PromptMode | null | undefined; plan: string; model: string }): PromptMode {
  return o.request ?? o.account ?? s.modeByPlan[o.plan] ?? s.modeByModel[o.model] ?? s.defaultMode
}

/**
 * A dialect's `enhancePrompt` flag as a mode: true enhances; false only turns enhancement off
 * (translation into the channel's language still runs, as seed 002 promises).
 */
export function promptModeFromFlag(enhance: boolean | undefined): PromptMode | undefined {
  return enhance === undefined ? undefined : enhance ? 'enhance' : 'translate'
}
