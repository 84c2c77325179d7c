import type { FastifyInstance } from 'fastify'
import type { AppError } from '../errors.js'
import type { AppDeps } from './deps.js'
import type { Job } from '../jobs/job-model.js'
import type { ResultOutput } from '../jobs/job-service.js'
import type { WebhookEvent } from '../webhooks/outbox.js'

/**
 * A dialect only translates: requests into the job service's input, jobs into its response
 * shape, and our error codes into its error body. No business logic lives here.
 */
export interface Dialect {
  name: string
  /** Error body and HTTP status in this dialect's documented shape. */
  formatError(err: AppError, requestId: string): { status: number; body: unknown }
  routes(app: FastifyInstance, deps: AppDeps): void
  /** The webhook body for a job event, in this dialect's shape (native shape when absent). */
  webhookPayload?(job: Job, event: WebhookEvent, outputs: ResultOutput[]): unknown
  /** Delays between webhook attempts when the dialect's document fixes them (else the configured schedule). */
  webhookScheduleMs?: number[]
}
