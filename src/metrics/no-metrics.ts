import type { Registry } from 'prom-client'
import type { UpstreamMetrics } from '../jobs/worker/deps.js'
import type { PromptStageMetrics } from '../prompts/stage.js'

// Apart from metrics.ts, so a server with metrics off never loads prom-client.

export type WebhookOutcome = 'delivered' | 'retry' | 'failed' | 'gone'

/** What the hot paths report. With metrics off every method is a no-op. */
export interface Metrics extends UpstreamMetrics, PromptStageMetrics {
  /** Set when metrics are on: what `/metrics` renders. */
  readonly registry: Registry | null
  /** `route` is the route pattern (`/v1/jobs/:id`), never the URL, so the label set stays small. */
  httpRequest(route: string, method: string, status: number, seconds: number): void
  webhookOutcome(outcome: WebhookOutcome): void
}

export const noMetrics: Metrics = { registry: null, httpRequest() {}, upstreamCall() {}, upstreamError() {}, webhookOutcome() {}, promptPipeline() {} }
