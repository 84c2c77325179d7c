import { jobErrorTable, type JobErrorCode } from '../errors.js'

export type ProviderErrorKind =
  /** Try again later; the job is kept. */
  | 'retryable'
  /** The customer's input or content was refused: the job fails and the hold is released. */
  | 'user'
  /** Auth, model access or configuration: the channel is unhealthy. */
  | 'config'
  /** The outcome is not known (timeout after sending): check before resubmitting. */
  | 'unknown'

const BUSY = 'The generation service is busy right now.'
const UNAVAILABLE = 'The generation service is temporarily unavailable.'
const UNANSWERED = 'The generation service did not answer in time.'

/**
 * The one set of provider failure classes. Every adapter reports one of these, whatever its
 * upstream calls the failure; the worker's failure policy switches over them. A job that fails
 * shows the class's `job` code and `message` only: never the upstream's name or words, which
 * stay in the operator-only `detail`. `kind` is what the failure says about the channel
 * (metrics, circuit breaker).
 */
export const PROVIDER_FAILURES = {
  // Nothing was done, or nothing usable came back: another try can succeed.
  rate_limited: { kind: 'retryable', job: 'generation_failed', message: BUSY },
  upstream_unavailable: { kind: 'retryable', job: 'generation_failed', message: UNAVAILABLE },
  upstream_bad_response: { kind: 'retryable', job: 'generation_failed', message: UNAVAILABLE },
  output_unavailable: { kind: 'retryable', job: 'output_unavailable', message: jobErrorTable.output_unavailable },
  /** A step threw something that is not a ProviderError (a bug): retried, never shown. */
  unexpected: { kind: 'retryable', job: 'generation_failed', message: jobErrorTable.generation_failed },
  // Sent but unanswered: the upstream may have the task (and bill it).
  upstream_timeout: { kind: 'unknown', job: 'generation_failed', message: UNANSWERED },
  upstream_unknown: { kind: 'unknown', job: 'generation_failed', message: UNANSWERED },
  // Ours to fix (credentials, billing, model mapping, base URL): the customer sees no channel.
  upstream_auth: { kind: 'config', job: 'service_unavailable', message: jobErrorTable.service_unavailable },
  upstream_billing: { kind: 'config', job: 'service_unavailable', message: jobErrorTable.service_unavailable },
  model_unavailable: { kind: 'config', job: 'service_unavailable', message: jobErrorTable.service_unavailable },
  upstream_rejected: { kind: 'config', job: 'service_unavailable', message: jobErrorTable.service_unavailable },
  misconfigured: { kind: 'config', job: 'service_unavailable', message: jobErrorTable.service_unavailable },
  // The input, the content or the generation itself: no channel would do better.
  content_rejected: { kind: 'user', job: 'content_rejected', message: jobErrorTable.content_rejected },
  invalid_input: { kind: 'user', job: 'invalid_input', message: jobErrorTable.invalid_input },
  reference_unavailable: { kind: 'user', job: 'reference_unavailable', message: jobErrorTable.reference_unavailable },
  generation_failed: { kind: 'user', job: 'generation_failed', message: jobErrorTable.generation_failed },
  generation_timeout: { kind: 'user', job: 'timeout', message: 'The generation did not finish in time.' },
  cancelled: { kind: 'user', job: 'cancelled', message: 'The generation was cancelled.' },
} as const satisfies Record<string, { kind: ProviderErrorKind; job: JobErrorCode; message: string }>

export type ProviderFailure = keyof typeof PROVIDER_FAILURES

/** The one error class every adapter throws or returns. */
export class ProviderError extends Error {
  readonly code: ProviderFailure
  readonly kind: ProviderErrorKind
  /** The job error code a job failed by this shows. */
  readonly jobCode: JobErrorCode
  /** A message safe to show a customer: from the class, never from the upstream. */
  readonly publicMessage: string
  readonly retryAfterMs: number | undefined
  /** Operator-only detail (raw upstream status and body excerpt). */
  readonly detail: string | undefined

  constructor(code: ProviderFailure, detail?: string, opts: { retryAfterMs?: number | undefined; cause?: unknown } = {}) {
    const c = PROVIDER_FAILURES[code]
    super(detail ?? c.message, { cause: opts.cause })
    this.name = 'ProviderError'
    this.code = code
    this.kind = c.kind
    this.jobCode = c.job
    this.publicMessage = c.message
    this.retryAfterMs = opts.retryAfterMs
    this.detail = detail
  }
}
