import { chargedCredits } from '../../../ledger/job-charges.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ResultOutput } from '../../../jobs/job-service.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())


export function presentJob(job: Job) {
  return {
    ok: true as const,
    jobId: job.id,
    status: job.status,
    type: job.type,
    model: job.model,
    progress: job.progress,
    chargedCredits: chargedCredits(job.charges),
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    completedAt: iso(job.finishedAt),
    error: job.error,
    ...presentPrompt(job),
  }
}

/** What the prompt pipeline did, for the customer: never the LLM channel or its raw errors. */
function presentPrompt(job: Job) {
  const p = job.prompt
  if (!p) return {}
  return {
    promptPipeline: p.summary,
    prompt: {
      mode: p.mode,
      original: p.original,
      detectedLanguage: p.detectedLanguage,
      targetLanguage: p.targetLanguage ?? null,
      translated: p.translated ?? null,
      enhanced: p.enhanced ?? null,
      latencyMs: p.latencyMs ?? null,
    },
  }
}

export function presentResult(job: Job, outputs: ResultOutput[]) {
  return {
    ok: true as const,
    jobId: job.id,
    status: job.status,
    type: job.type,
    model: job.model,
    outputs: outputs.map((o) => ({ url: o.url, mimeType: o.mimeType, width: o.width, height: o.height, duration: o.durationSec, size: o.bytes })),
    error: job.error,
  }
}
