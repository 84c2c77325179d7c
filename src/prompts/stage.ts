import { runPipeline } from './pipeline.js'
import { createLlmClient, type LlmClient } from './llm-channel.js'
import { parseRecord, type PromptRecord } from './record.js'
import type { Clock } from '../domain/clock.js'
import type { JobType } from '../domain/params.js'
import type { ChannelConfig, ProviderLogger } from '../providers/provider.js'
import type { PromptConfig } from './prompt-config.js'

export interface PromptStageMetrics {
  promptPipeline(state: PromptRecord['state'], seconds: number): void
}

/** What the worker calls just before a submit: the channel is known, so its language is. */
export interface PromptStage {
  /** The record after running the pipeline for `channel`, or null when the stored one stands. */
  prepare(job: { id: string; type: JobType; model: string; promptPipeline?: string | null | undefined }, channel: ChannelConfig): Promise<PromptRecord | null>
  /** The LLM channel's health, for operators (null: none configured). */
  health(): ReturnType<LlmClient['health']> | null
}

export function createPromptStage(config: PromptConfig, clock: Clock, log: ProviderLogger, metrics?: PromptStageMetrics, llm?: LlmClient): PromptStage {
  const client = llm ?? (config.llm ? createLlmClient(config.llm, clock) : null)
  return {
    async prepare(job, channel) {
      const rec = parseRecord(job.promptPipeline ?? null)
      if (!rec || rec.state === 'raw' || rec.state === 'skipped') return null
      const target = channel.language ?? null
      // Ran already for a channel of the same language (e.g. a retry on the same channel): keep it.
      if (rec.state !== 'pending' && (rec.targetLanguage ?? null) === target) return null
      const out = await runPipeline(config, client, { record: rec, type: job.type, model: job.model, targetLanguage: target })
      metrics?.promptPipeline(out.state, (out.latencyMs ?? 0) / 1_000)
      const line = { jobId: job.id, channel: channel.id, promptPipeline: out.summary, latencyMs: out.latencyMs, tokens: out.tokens }
      if (out.state === 'fallback') log.warn(line, 'prompt pipeline fell back to the original prompt')
      else log.info(line, 'prompt pipeline ran')
      return out
    },
    health: () => client?.health() ?? null,
  }
}

/**
 * What the job is charged at success: the render's cost plus the pipeline's surcharge when the
 * pipeline applied; the surcharge part of the hold goes back when it did not.
 * `render` undefined means "the hold's render part" (price minus the surcharge).
 */
export function settledCost(price: number, render: number | undefined, rec: PromptRecord | null): number | undefined {
  const surcharge = rec?.surcharge ?? 0
  if (surcharge === 0) return render
  const extra = rec?.state === 'applied' ? surcharge : 0
  return (render ?? price - surcharge) + extra
}
