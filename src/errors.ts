import { isBusyError, isUnstorableTextError } from './store/adapter.js'

/**
 * The one table of error codes customers can receive. Each dialect maps these to its own
 * body shape and, where its documentation says so, its own status. `docs/errors.md` is kept
 * complete by a test.
 */
export const errorTable = {
  invalid_request: { status: 400, message: 'The request is invalid.' },
  unauthorized: { status: 401, message: 'The API key is missing, inactive, or invalid.' },
  insufficient_credits: { status: 402, message: 'Available credits are not enough for the requested generation.' },
  forbidden: { status: 403, message: 'This resource belongs to another account.' },
  not_found: { status: 404, message: 'The requested resource does not exist.' },
  idempotency_conflict: {
    status: 409,
    message: 'The Idempotency-Key was reused with a different payload, or its first request is still running.',
  },
  job_not_cancellable: { status: 409, message: 'The job has already finished and cannot be cancelled.' },
  too_many_keys: { status: 409, message: 'The account already has the maximum number of active API keys.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'The Content-Type is not supported for this endpoint.' },
  rate_limited: { status: 429, message: 'The request exceeded the current rate limit for the plan.' },
  concurrency_limited: { status: 429, message: 'Too many generation jobs are active at the same time.' },
  internal_error: { status: 500, message: 'An unexpected error occurred.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unable to accept or run the job.' },
  file_unavailable: { status: 410, message: 'The stored file is missing or damaged.' },
  service_busy: { status: 503, message: 'The database is busy with other writes; nothing was recorded, retry shortly.' },
  request_timeout: { status: 408, message: 'The request was not received in time.' },
  uri_too_long: { status: 414, message: 'The request URL (or one of its path segments) is too long.' },
  expectation_failed: { status: 417, message: 'Only `Expect: 100-continue` is supported.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  csrf_failed: { status: 403, message: 'The `x-csrf-token` header is missing or does not match the session.' },
  login_locked: { status: 429, message: 'Too many failed sign-ins for this email; wait before trying again.' },
  reference_unavailable: { status: 400, message: 'A reference URL could not be fetched: it timed out, or its server failed or could not be reached.' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof errorTable

/**
 * Reasons a job can fail, shown as the job's error code. They are not HTTP errors: the job
 * request itself succeeded.
 */
export const jobErrorTable = {
  timeout: 'The job did not finish before its deadline.',
  content_rejected: 'The content was rejected by the safety system.',
  invalid_input: 'The generation service could not use the given input.',
  generation_failed: 'The generation failed.',
  reference_unavailable: 'A reference URL could not be fetched.',
  output_unavailable: 'The generated output could not be retrieved.',
  service_unavailable: 'No generation channel could run the job.',
  cancelled: 'The job was cancelled.',
} as const

export type JobErrorCode = keyof typeof jobErrorTable

export interface ErrorDetails {
  requiredCredits?: number
  availableCredits?: number
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  /** The request field the error is about, when there is one. */
  readonly field: string | undefined
  readonly retryAfterSec: number | undefined
  /** Figures a dialect may show with the error (e.g. the credits a 402 needed and had). */
  readonly details: ErrorDetails | undefined

  constructor(
    code: ErrorCode,
    message?: string,
    opts: { field?: string; retryAfterSec?: number; cause?: unknown; details?: ErrorDetails } = {},
  ) {
    super(message ?? errorTable[code].message, { cause: opts.cause })
    this.name = 'AppError'
    this.code = code
    this.status = errorTable[code].status
    this.field = opts.field
    this.retryAfterSec = opts.retryAfterSec
    this.details = opts.details
  }
}

export function invalid(field: string, rule: string): AppError {
  return new AppError('invalid_request', `\`${field}\` ${rule}`, { field })
}

/** Turns anything thrown into an AppError; unknown errors become a generic 500. */
export function coerceError(err: unknown): AppError {
  if (err instanceof AppError) return err
  // The transaction gave up without writing anything: the client may retry as it is.
  if (isBusyError(err)) return new AppError('service_busy', undefined, { retryAfterSec: 1, cause: err })
  if (isUnstorableTextError(err)) {
    return new AppError('invalid_request', 'The request contains a character that cannot be stored or looked up (such as a NUL byte).', { cause: err })
  }
  return new AppError('internal_error', undefined, { cause: err })
}
