import { toViewedJob, type Job } from '../jobs/job-model.js'
import type { ResultOutput } from '../jobs/job-service.js'
import type { Store } from '../store/db.js'
import { getJobDialect, prepareJobView } from '../store/jobs/index.js'
import type { WebhookDeliveriesTable } from '../store/schema.js'
import type { WebhookEvent } from './outbox.js'

/** What a dialect contributes to webhooks: its payload shape and, when documented, its retry schedule. */
export interface WebhookDialect {
  name: string
  webhookPayload?(job: Job, event: WebhookEvent, outputs: ResultOutput[]): unknown
  webhookScheduleMs?: number[]
}

/**
 * Renders a delivery in the shape of the dialect that created its job (the first dialect with a
 * payload when that one has none), and reads that dialect's schedule: the dispatcher's
 * `render` and `scheduleOf`.
 */
export function createWebhookRenderer(deps: { store: Store; dialects: WebhookDialect[]; resultOutputs: (job: Job) => ResultOutput[] }) {
  const { db } = deps.store
  const jobView = prepareJobView(deps.store)
  const fallback = deps.dialects.find((d) => d.webhookPayload)
  return {
    async render(d: WebhookDeliveriesTable): Promise<unknown> {
      // Rendered from the job as it is now: terminal, since events are queued with the transition.
      const row = await jobView(d.jobId)
      if (!row) throw new Error(`webhook delivery ${d.id} names a missing job ${d.jobId}`)
      const job = toViewedJob(row)
      const dialect = deps.dialects.find((x) => x.name === job.dialect && x.webhookPayload) ?? fallback
      if (!dialect?.webhookPayload) throw new Error('no dialect renders webhooks')
      return dialect.webhookPayload(job, d.event as WebhookEvent, deps.resultOutputs(job))
    },
    async scheduleOf(d: WebhookDeliveriesTable): Promise<number[] | undefined> {
      const name = await getJobDialect(db, d.jobId)
      return deps.dialects.find((x) => x.name === name)?.webhookScheduleMs
    },
  }
}
