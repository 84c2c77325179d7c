/** Every error the SDK throws is a `ReelayError`; API answers are an `APIError` subclass per status. */
export class ReelayError extends Error {
  override name = 'ReelayError'
}

export interface APIErrorInit {
  status: number
  code: string
  message: string
  field?: string | undefined
  requestId?: string | undefined
  retryAfter?: number | undefined
  headers: Headers
  body: unknown
}

/** An error answer from the API: its status, the stable `code`, and the `field` it is about. */
export class APIError extends ReelayError {
  override name = 'APIError'
  readonly status: number
  /** The stable error code (docs/errors.md), e.g. `insufficient_credits`. */
  readonly code: string
  /** The request field the error is about, when there is one. */
  readonly field: string | undefined
  /** The server's request id (`x-request-id`): quote it to support. */
  readonly requestId: string | undefined
  /** Seconds the server asked to wait before retrying (`Retry-After`), when it said. */
  readonly retryAfter: number | undefined
  readonly headers: Headers
  readonly body: unknown

  constructor(init: APIErrorInit) {
    super(init.message)
    this.status = init.status
    this.code = init.code
    this.field = init.field
    this.requestId = init.requestId
    this.retryAfter = init.retryAfter
    this.headers = init.headers
    this.body = init.body
  }

  /** The class for an answer: by code where one status carries several meanings, else by status. */
  static from(init: APIErrorInit): APIError {
    const Class = BY_CODE[init.code] ?? BY_STATUS[init.status] ?? (init.status >= 500 ? InternalServerError : APIError)
    return new Class(init)
  }
}

export class BadRequestError extends APIError { override name = 'BadRequestError' }
export class AuthenticationError extends APIError { override name = 'AuthenticationError' }
export class InsufficientCreditsError extends APIError { override name = 'InsufficientCreditsError' }
export class PermissionDeniedError extends APIError { override name = 'PermissionDeniedError' }
export class NotFoundError extends APIError { override name = 'NotFoundError' }
export class RequestTimeoutError extends APIError { override name = 'RequestTimeoutError' }
export class ConflictError extends APIError { override name = 'ConflictError' }
/** 409 `idempotency_conflict`: the key was used with another body, or its first request is still running. */
export class IdempotencyConflictError extends ConflictError { override name = 'IdempotencyConflictError' }
/** 410 `file_unavailable`: a stored output is missing or damaged. */
export class GoneError extends APIError { override name = 'GoneError' }
export class PayloadTooLargeError extends APIError { override name = 'PayloadTooLargeError' }
export class UnsupportedMediaTypeError extends APIError { override name = 'UnsupportedMediaTypeError' }
export class UnprocessableEntityError extends APIError { override name = 'UnprocessableEntityError' }
export class RateLimitError extends APIError { override name = 'RateLimitError' }
export class InternalServerError extends APIError { override name = 'InternalServerError' }
export class ServiceUnavailableError extends InternalServerError { override name = 'ServiceUnavailableError' }

type ErrorClass = new (init: APIErrorInit) => APIError

const BY_STATUS: Record<number, ErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  403: PermissionDeniedError,
  404: NotFoundError,
  408: RequestTimeoutError,
  409: ConflictError,
  410: GoneError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: InternalServerError,
  503: ServiceUnavailableError,
}

const BY_CODE: Record<string, ErrorClass> = {
  idempotency_conflict: IdempotencyConflictError,
  insufficient_credits: InsufficientCreditsError,
}

/** The request never got an answer (DNS, refused, reset); retried before it is thrown. */
export class APIConnectionError extends ReelayError {
  override name = 'APIConnectionError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** `jobs.wait` gave up after its `timeout`; the job itself keeps running. */
export class WaitTimeoutError extends ReelayError {
  override name = 'WaitTimeoutError'
  constructor(readonly jobId: string, readonly lastStatus: string) {
    super(`Job ${jobId} was still ${lastStatus} when the wait timed out; it keeps running (jobs.wait again, or jobs.cancel).`)
  }
}

/** `createAndWait` / `jobs.wait({throwOnFailure})`: the job ended failed or cancelled. */
export class JobFailedError extends ReelayError {
  override name = 'JobFailedError'
  constructor(readonly jobId: string, readonly status: string, readonly error: { code: string; message: string } | null) {
    super(`Job ${jobId} ${status}${error ? `: ${error.code}: ${error.message}` : ''}`)
  }
}

/** Why `webhooks.verify` refused a delivery. */
export type WebhookFailure = 'missing_headers' | 'stale_timestamp' | 'wrong_secret' | 'body_reserialised'

export class WebhookVerificationError extends ReelayError {
  override name = 'WebhookVerificationError'
  constructor(readonly reason: WebhookFailure, message: string) {
    super(message)
  }
}
