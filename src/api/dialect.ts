import type { FastifyInstance } from 'fastify'
import type { ZodType } from 'zod'
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
  /** One line for the OpenAPI tag: which API this is. */
  description: string
  /** The path every route shares, when they share one; route URLs are relative to it. */
  prefix?: string
  /**
   * Path prefixes this dialect answers for when no route matches (404s) or before routing
   * (malformed URLs, protocol errors): the longest match wins, whole segments only.
   */
  paths: string[]
  /** The form a job id takes in this API (`sd2` → `sd2_…`); the plain `job_…` id when absent. */
  idPrefix?: string
  /** Error body and HTTP status in this dialect's documented shape. */
  formatError(err: AppError, requestId: string): { status: number; body: unknown }
  /** The body `formatError` writes, for the OpenAPI document and the contract tests. */
  errorSchema: ZodType
  /** Registers the routes, in the dialect's own plugin scope (already authenticated). */
  routes(app: FastifyInstance, deps: AppDeps): void | Promise<void>
  /** The webhook body for a job event, in this dialect's shape (native shape when absent). */
  webhookPayload?(job: Job, event: WebhookEvent, outputs: ResultOutput[]): unknown
  /** Delays between webhook attempts when the dialect's document fixes them (else the configured schedule). */
  webhookScheduleMs?: number[]
}
