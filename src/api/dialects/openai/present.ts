import { jobErrorTable, type AppError, type ErrorCode } from '../../../errors.js'
import { unixSeconds } from '../time-forms.js'
import { imageDimensions, videoDimensions } from '../../../media/dimensions.js'
import { toDialectId } from '../id-forms.js'
import { AUTO_DURATION, type ImageParams, type VideoParams } from '../../../domain/params.js'
import type { Job } from '../../../jobs/job-model.js'

/** OpenAI's error body: `{error: {message, type, param, code}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

export function errorBody(message: string, type: string, code: string | null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } }
}

/** Our error codes → OpenAI's status, `type` and `code`. */
const ERRORS: Record<ErrorCode, { status: number; type: string; code: string | null }> = {
  invalid_request: { status: 400, type: 'invalid_request_error', code: 'invalid_value' },
  unauthorized: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  // OpenAI reports an exhausted balance as 429 insufficient_quota; clients already handle it.
  insufficient_credits: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  forbidden: { status: 403, type: 'permission_error', code: 'forbidden' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'not_found' },
  idempotency_conflict: { status: 409, type: 'invalid_request_error', code: 'idempotency_conflict' },
  job_not_cancellable: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  too_many_keys: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  code_not_redeemable: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  payload_too_large: { status: 413, type: 'invalid_request_error', code: 'payload_too_large' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', code: 'unsupported_media_type' },
  rate_limited: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  concurrency_limited: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  internal_error: { status: 500, type: 'server_error', code: 'internal_error' },
  service_unavailable: { status: 503, type: 'server_error', code: 'service_unavailable' },
  file_unavailable: { status: 410, type: 'invalid_request_error', code: 'file_unavailable' },
  service_busy: { status: 503, type: 'server_error', code: 'service_busy' },
  request_timeout: { status: 408, type: 'invalid_request_error', code: 'request_timeout' },
  uri_too_long: { status: 414, type: 'invalid_request_error', code: 'uri_too_long' },
  expectation_failed: { status: 417, type: 'invalid_request_error', code: 'expectation_failed' },
  headers_too_large: { status: 431, type: 'invalid_request_error', code: 'headers_too_large' },
  reference_unavailable: { status: 400, type: 'invalid_request_error', code: 'reference_unavailable' },
  // Session errors of /account/v1 and /admin/v1; never raised by an API-key route.
  csrf_failed: { status: 403, type: 'permission_error', code: 'csrf_failed' },
  login_locked: { status: 429, type: 'requests', code: 'login_locked' },
}

export function formatOpenAIError(err: AppError): { status: number; body: OpenAIErrorBody } {
  const e = ERRORS[err.code] ?? ERRORS.internal_error
  let code = e.code
  if (err.code === 'invalid_request') code = !err.field ? null : /is required/.test(err.message) ? 'missing_required_parameter' : 'invalid_value'
  return { status: e.status, body: errorBody(err.message, e.type, code, err.field || null) }
}

/** How a failed image job is answered: moderation refusals are the client's 400, the rest ours. */
const JOB_FAILURES: Record<string, { status: number; type: string; code: string; clientFault: boolean }> = {
  content_rejected: { status: 400, type: 'invalid_request_error', code: 'moderation_blocked', clientFault: true },
  invalid_input: { status: 400, type: 'invalid_request_error', code: 'invalid_input', clientFault: true },
  reference_unavailable: { status: 400, type: 'invalid_request_error', code: 'invalid_image', clientFault: true },
  cancelled: { status: 409, type: 'invalid_request_error', code: 'cancelled', clientFault: true },
  timeout: { status: 504, type: 'server_error', code: 'timeout', clientFault: false },
  generation_failed: { status: 500, type: 'server_error', code: 'generation_failed', clientFault: false },
  output_unavailable: { status: 502, type: 'server_error', code: 'output_unavailable', clientFault: false },
  service_unavailable: { status: 503, type: 'server_error', code: 'service_unavailable', clientFault: false },
}
const GENERIC_FAILURE = { status: 500, type: 'server_error', code: 'generation_failed', clientFault: false }

/** The OpenAI error code shown for a job error code (also used in the video object's `error`). */
export function jobErrorCode(code: string): string {
  return code === 'content_rejected' ? 'moderation_blocked' : code
}

/**
 * A failed or cancelled image job as an OpenAI error. The job's public message is shown for
 * client faults; server-side failures get the generic message of the job error table, so no
 * upstream detail can leak.
 */
export function jobFailure(job: Job): { status: number; body: OpenAIErrorBody } {
  const code = job.error?.code ?? 'generation_failed'
  const f = JOB_FAILURES[code] ?? GENERIC_FAILURE
  const generic = (jobErrorTable as Record<string, string>)[code] ?? jobErrorTable.generation_failed
  const message = f.clientFault && job.error?.message ? job.error.message : generic
  return { status: f.status, body: errorBody(`${message} (job ${job.id})`, f.type, f.code, code === 'reference_unavailable' ? 'image' : null) }
}

/** `WxH` of what the job makes: the stored output's real size once there is one. */
export function outputSize(job: Job): string {
  const out = job.outputs[0]
  if (out?.width && out.height) return `${out.width}x${out.height}`
  let d: { width: number; height: number }
  if (job.type === 'video') {
    const p = job.params as VideoParams
    d = p.size ?? videoDimensions(p.resolution, p.aspectRatio)
  } else {
    const p = job.params as ImageParams
    d = imageDimensions(p.resolution, p.aspectRatio)
  }
  return `${d.width}x${d.height}`
}

const VIDEO_STATUS = { queued: 'queued', processing: 'in_progress', succeeded: 'completed', failed: 'failed', cancelled: 'failed' } as const

/** A video job as OpenAI's video object (`id` in the `video_…` form). */
export function presentVideo(job: Job) {
  const p = job.params as VideoParams
  const status = VIDEO_STATUS[job.status]
  const finished = status === 'completed' || status === 'failed'
  return {
    id: toDialectId(job.id, 'video'),
    object: 'video' as const,
    model: job.model,
    status,
    progress: job.progress,
    created_at: unixSeconds(job.createdAt) as number,
    completed_at: finished ? unixSeconds(job.finishedAt ?? job.updatedAt) : null,
    // Stored outputs are kept until the video is deleted.
    expires_at: null,
    error: status === 'failed' ? { code: jobErrorCode(job.error?.code ?? 'generation_failed'), message: job.error?.message || jobErrorTable.generation_failed } : null,
    prompt: p.prompt,
    // -1 ("the model picks") reads as the length made once there is an output.
    seconds: String(p.durationSec === AUTO_DURATION && job.outputs[0]?.durationSec ? Math.round(job.outputs[0].durationSec) : p.durationSec),
    size: outputSize(job),
    remixed_from_video_id: null,
  }
}

/** `usage` of an images response: Reelay bills in credits, so token counts are zero. */
export const ZERO_USAGE = {
  input_tokens: 0,
  input_tokens_details: { image_tokens: 0, text_tokens: 0 },
  output_tokens: 0,
  total_tokens: 0,
}
