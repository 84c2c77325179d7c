import { isVideoParams } from '../../domain/params.js'
import type { Job } from '../../jobs/job-model.js'
import type { JobService } from '../../jobs/job-service.js'
import type { DeliveryLine } from '../../accounts/activity.js'

/** The mode a job's inputs imply, as the playground names them. */
function modeOf(job: Job): string {
  if (isVideoParams(job.type, job.params)) {
    const p = job.params
    if (p.firstFrameUrl || p.lastFrameUrl) return 'image-to-video'
    if (p.referenceImageUrls.length || p.referenceVideoUrls.length || p.referenceAudioUrls.length) return 'reference-to-video'
    return 'text-to-video'
  }
  return job.params.referenceImageUrls.length ? 'image-to-image' : 'text-to-image'
}

/** A job in dashboard lists: what it cost from the ledger, and signed links to its first output. */
export function jobSummary(job: Job, jobs: JobService) {
  const first = job.status === 'succeeded' ? jobs.resultOutputs(job)[0] : undefined
  const outputType = first ? (first.mimeType.startsWith('video/') ? 'video' : 'image') : null
  return {
    id: job.id,
    accountId: job.accountId,
    model: job.model,
    mode: modeOf(job),
    status: job.status,
    progress: job.progress,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    credits: job.charges,
    // Images are their own thumbnail; videos have none stored yet.
    thumbnailUrl: outputType === 'image' ? first!.url : null,
    outputUrl: first?.url ?? null,
    outputType,
  }
}

/** The job page: the summary plus parameters, the prompt's way through the pipeline, timeline and webhooks. */
export function jobDetail(job: Job, jobs: JobService, deliveries: DeliveryLine[]) {
  const { prompt: _prompt, ...params } = job.params
  const timeline = [
    { status: 'queued', at: job.createdAt },
    ...(job.startedAt !== null ? [{ status: 'processing', at: job.startedAt }] : []),
    ...(job.finishedAt !== null ? [{ status: job.status, at: job.finishedAt }] : []),
  ]
  const p = job.prompt
  return {
    ...jobSummary(job, jobs),
    params,
    prompt: {
      original: p?.original ?? job.params.prompt,
      language: p?.detectedLanguage ?? null,
      translated: p?.translated ?? null,
      enhanced: p?.enhanced ?? null,
      pipeline: p ? { mode: p.mode, state: p.state, summary: p.summary } : null,
    },
    timeline,
    error: job.error,
    outputs: job.status === 'succeeded' ? jobs.resultOutputs(job) : [],
    webhookDeliveries: deliveries.map((d) => ({ id: d.id, event: d.event, url: d.url, status: d.status, attempts: d.attempts })),
  }
}
