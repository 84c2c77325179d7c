import { ProviderError, type ProviderFailure } from '../failure.js'
import { redact } from './common.js'
import { transportFailure } from './transport.js'

/** What an adapter may read from an upstream's own error code; the status decides the rest. */
export type FailureReason = 'content' | 'model_access'

/** The one mapping from an upstream HTTP failure status (and the adapter's `reason`) to a failure class. */
export function classifyHttpFailure(f: { status: number; reason?: FailureReason; retryAfterMs?: number; detail: string }): ProviderError {
  const { status, reason, detail } = f
  const err = (code: ProviderFailure, retryAfterMs?: number) => new ProviderError(code, detail, { retryAfterMs })
  if (status === 429) return err('rate_limited', f.retryAfterMs)
  if (status === 408 || status === 409 || status >= 500) return err('upstream_unavailable', f.retryAfterMs)
  if (reason === 'model_access') return err('model_unavailable')
  if (reason === 'content' && status >= 400) return err('content_rejected')
  if (status === 401 || status === 403) return err('upstream_auth')
  if (status === 402) return err('upstream_billing')
  if (status === 404) return err('model_unavailable')
  if (status === 400 || status === 413 || status === 415 || status === 422) return err('invalid_input')
  // Redirects and odd 4xx mean the base URL or request shape is wrong, which is ours to fix.
  return err('upstream_rejected')
}

/** Maps a failure to reach the upstream (no HTTP status) to a ProviderError; `secrets` never reach the detail. */
export function classifyTransportError(err: unknown, where: string, secrets: readonly string[] = []): ProviderError {
  if (err instanceof ProviderError) return err
  const { outcome, code } = transportFailure(err)
  const detail = redact(`${where}: ${code || String((err as { message?: unknown } | null)?.message ?? err)}`, secrets, 500)
  if (outcome === 'not-sent') return new ProviderError('upstream_unavailable', detail, { cause: err })
  // Sent but unanswered (timeout, abort, anything unexpected): the upstream may have acted on it.
  return new ProviderError(outcome === 'timeout' ? 'upstream_timeout' : 'upstream_unknown', detail, { cause: err })
}

/** A terminal upstream failure that is not a transport or HTTP error. */
export function generationFailed(detail: string, code: 'generation_failed' | 'content_rejected' | 'cancelled' | 'generation_timeout' = 'generation_failed'): ProviderError {
  return new ProviderError(code, detail)
}

/** A 2xx body without the fields we need. */
export function badResponse(detail: string): ProviderError {
  return new ProviderError('upstream_bad_response', detail)
}
