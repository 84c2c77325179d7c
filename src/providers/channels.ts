import { z } from 'zod'
import { ConfigError, readJsonFile } from '../config.js'
import { MODELS } from '../catalog/models.js'
import { REGION_PATTERN, REGION_RULE } from '../domain/region.js'
import type { ChannelConfig } from './provider.js'

import { PROVIDER_NAMES } from './provider-registry.js'

export { PROVIDER_NAMES } from './provider-registry.js'

const channelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _'),
  provider: z.enum(PROVIDER_NAMES),
  baseUrl: z.string().url().optional(),
  /** Name of the environment variable holding the API key; the key itself never sits in a file. */
  apiKeyEnv: z.string().optional(),
  /** Our model id → the upstream's model id (or app id). */
  models: z.record(z.string(), z.string()),
  priority: z.number().int().default(1),
  weight: z.number().positive().default(1),
  /** Where the upstream is (see REELAY_REGION): jobs of this region prefer it. */
  region: z.string().regex(REGION_PATTERN, REGION_RULE).optional(),
  /** The prompt language the upstream prefers (ISO 639-1); the prompt pipeline translates into it. */
  language: z.string().regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, 'an ISO 639-1 code such as zh or en').optional(),
  /** Most jobs this channel runs at once; more wait as `queued`. */
  maxConcurrent: z.number().int().positive().default(100),
  /**
   * Upstream calls per second (submits and polls) from one worker process. 50 keeps up with
   * about 1,250 tracked video tasks or 50 sync images a second; 10 (the old default) throttled a
   * gateway far below what one worker tracks. Size it to the upstream's quota.
   */
  ratePerSecond: z.number().positive().default(50),
  options: z.record(z.string(), z.unknown()).default({}),
})

const fileSchema = z.object({ channels: z.array(channelSchema) })

export type ChannelSpec = z.infer<typeof channelSchema> & ChannelConfig

/**
 * Loads the operator's channel file, failing at start with every problem listed. With no file,
 * there are no upstream channels and every model runs on `studio`.
 */
export function loadChannels(file: string | undefined, env: Record<string, string | undefined>): ChannelSpec[] {
  if (!file) return []
  const parsed = fileSchema.safeParse(readJsonFile(file))
  if (!parsed.success) {
    throw new ConfigError(`Invalid channels file ${file}:\n${parsed.error.issues.map((i) => `  channels.${i.path.join('.')}: ${i.message}`).join('\n')}`)
  }
  const problems: string[] = []
  const seen = new Set<string>()
  const known = new Set(MODELS.map((m) => m.id))
  const out = parsed.data.channels.map((c) => {
    if (seen.has(c.id)) problems.push(`channel ${c.id}: duplicate id`)
    seen.add(c.id)
    for (const m of Object.keys(c.models)) if (!known.has(m)) problems.push(`channel ${c.id}: unknown model ${m}`)
    if (c.provider !== 'studio' && !c.baseUrl) problems.push(`channel ${c.id}: baseUrl is required`)
    const apiKey = c.apiKeyEnv ? env[c.apiKeyEnv] : ''
    if (c.provider !== 'studio' && !apiKey) problems.push(`channel ${c.id}: environment variable ${c.apiKeyEnv ?? '(apiKeyEnv not set)'} is empty`)
    // Seedance prefers Chinese prompts (seed 002): a channel serving only Seedance defaults to zh.
    const seedance = Object.keys(c.models).length > 0 && Object.keys(c.models).every((m) => m.startsWith('seedance'))
    const language = c.language ?? (seedance && c.provider !== 'studio' ? 'zh' : undefined)
    return { ...c, baseUrl: c.baseUrl ?? 'local', apiKey: apiKey ?? '', ...(language ? { language } : {}) }
  })
  if (problems.length) throw new ConfigError(`Invalid channels file ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`)
  return out
}
