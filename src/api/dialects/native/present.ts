import { chargedCredits } from '../../../ledger/job-charges.js'
import { isoTime } from '../time-forms.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ResultOutput } from '../../../jobs/job-service.js'


/** What a job and its result both begin with. */
function jobHead(job: Job) {
  return { ok: true as const, jobId: job.id, status: job.status, type: job.type, model: job.model }
}

export function presentJob(job: Job) {
  const answer = {
    ...jobHead(job),
    progress: job.progress,
    chargedCredits: chargedCredits(job.charges),
    createdAt: isoTime(job.createdAt),
    startedAt: isoTime(job.startedAt),
    completedAt: isoTime(job.finishedAt),
    error: job.error,
  }
  // The prompt block only for jobs that have one: no empty spread on every status poll.
  return job.prompt ? { ...answer, ...presentPrompt(job) } : answer
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
    ...jobHead(job),
    outputs: outputs.map((o) => ({ url: o.url, mimeType: o.mimeType, width: o.width, height: o.height, duration: o.durationSec, size: o.bytes })),
    error: job.error,
  }
}
