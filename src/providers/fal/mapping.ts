import type { VideoParams } from '../../domain/params.js'
import { asRecord, asString, badResponse, generationFailed, responseFailure, type FailureReason, type JsonResponse } from '../http/json-client.js'
import { ProviderError, type PollResult } from '../provider.js'

const SHIFTED_NAMESPACES = new Set(['workflows', 'comfy'])

/**
 * The `{owner}/{alias}` that status, result and cancel URLs use: the app id's first two path
 * segments, three for the `workflows/` and `comfy/` namespaces.
 */
export function falAppRoot(appId: string): string {
  const parts = appId.split('/').filter(Boolean)
  const n = parts[0] !== undefined && SHIFTED_NAMESPACES.has(parts[0]) ? 3 : 2
  return parts.slice(0, n).join('/')
}

export type FalMode = 'text-to-video' | 'image-to-video' | 'reference-to-video'
const MODES: readonly FalMode[] = ['text-to-video', 'image-to-video', 'reference-to-video']

/** Which Seedance app the params need. Frame and reference inputs go to different apps. */
export function falMode(p: VideoParams): FalMode {
  const refs = p.referenceImageUrls.length + p.referenceVideoUrls.length + p.referenceAudioUrls.length
  if (refs > 0) {
    if (p.firstFrameUrl || p.lastFrameUrl) throw invalid('frame images cannot be combined with references')
    return 'reference-to-video'
  }
  if (p.firstFrameUrl) return 'image-to-video'
  if (p.lastFrameUrl) throw invalid('a last frame needs a first frame')
  return 'text-to-video'
}

/** The channel maps a model to an app prefix (`bytedance/seedance-2.0`); a mode suffix there is replaced. */
export function falAppId(mapped: string, mode: FalMode): string {
  const prefix = mapped.replace(/\/+$/, '')
  const last = prefix.slice(prefix.lastIndexOf('/') + 1)
  const base = (MODES as readonly string[]).includes(last) ? prefix.slice(0, prefix.lastIndexOf('/')) : prefix
  return `${base}/${mode}`
}

function invalid(detail: string): ProviderError {
  return new ProviderError('invalid_input', detail)
}

/** Canonical params → the app's input. The v1.x apps take `camera_fixed` and a safety flag; 2.x does not. */
export function toFalInput(p: VideoParams, appId: string, mode: FalMode): Record<string, unknown> {
  const v1 = appId.startsWith('fal-ai/bytedance/seedance/v1')
  const input: Record<string, unknown> = {
    prompt: p.prompt,
    resolution: p.resolution,
    duration: String(p.durationSec),
    aspect_ratio: p.aspectRatio === 'adaptive' ? 'auto' : p.aspectRatio,
    generate_audio: p.generateAudio,
  }
  if (v1) {
    input.camera_fixed = p.cameraFixed
    input.seed = p.seed
    input.enable_safety_checker = true
  } else if (p.seed >= 0) {
    input.seed = p.seed
  }
  if (mode === 'image-to-video') {
    input.image_url = p.firstFrameUrl
    if (p.lastFrameUrl) input.end_image_url = p.lastFrameUrl
  }
  if (mode === 'reference-to-video') {
    if (p.referenceImageUrls.length) input.image_urls = p.referenceImageUrls
    if (p.referenceVideoUrls.length) input.video_urls = p.referenceVideoUrls
    if (p.referenceAudioUrls.length) input.audio_urls = p.referenceAudioUrls
  }
  return input
}

/**
 * Only the upstreamId string is stored, so it carries the app root the URLs need:
 * `{root}/requests/{request_id}`, which is also the URL path under the queue base.
 */
export function falUpstreamId(root: string, requestId: string): string {
  return `${root}/requests/${requestId}`
}

const SEGMENT = /^[\w.-]+$/

/** The inverse of falUpstreamId; null for anything that is not safe to put in a URL path. */
export function parseFalUpstreamId(id: string): { root: string; requestId: string } | null {
  const i = id.lastIndexOf('/requests/')
  if (i <= 0) return null
  const root = id.slice(0, i)
  const requestId = id.slice(i + '/requests/'.length)
  const ok = (s: string) => SEGMENT.test(s) && s !== '.' && s !== '..'
  return ok(requestId) && root.split('/').every(ok) ? { root, requestId } : null
}

/**
 * The root fal actually used, read from the returned `status_url` (whose host may differ from
 * our base); falls back to the segment rule when the URL is not of the expected shape.
 */
export function rootFromStatusUrl(statusUrl: string | undefined, requestId: string, fallback: string): string {
  if (!statusUrl) return fallback
  try {
    const path = new URL(statusUrl).pathname
    const suffix = `/requests/${requestId}/status`
    if (!path.endsWith(suffix)) return fallback
    const root = path.slice(1, -suffix.length)
    return root && root.endsWith(fallback) ? fallback : root || fallback
  } catch {
    return fallback
  }
}

const CONTENT = /content.?policy|nsfw|sensitive|safety/i

/** fal's `detail` (string or pydantic list) names a content-policy refusal. */
export function falReason(json: unknown): FailureReason | undefined {
  const detail = asRecord(json)?.detail
  const texts: string[] = []
  if (typeof detail === 'string') texts.push(detail)
  if (Array.isArray(detail)) for (const d of detail) texts.push(String(asRecord(d)?.type ?? ''), String(asRecord(d)?.msg ?? ''))
  return texts.some((t) => CONTENT.test(t)) ? 'content' : undefined
}

export function falHttpError(res: JsonResponse, nowMs: number): ProviderError {
  return responseFailure(res, nowMs, falReason(res.json))
}

/** The status endpoint's answer; `completed` means "fetch the result". */
export function falStatus(json: unknown, detail: string): 'queued' | 'running' | 'completed' {
  switch (asString(asRecord(json)?.status) ?? '') {
    case 'IN_QUEUE':
      return 'queued'
    case 'IN_PROGRESS':
      return 'running'
    case 'COMPLETED':
      return 'completed'
    default:
      throw badResponse(`${detail} (unknown queue status)`)
  }
}

/**
 * The result fetch after COMPLETED. fal reports a failed request here, as a non-2xx answer
 * with an `error_type`; a 5xx without one is the result endpoint itself failing, so retry.
 */
export function falResultToPoll(res: JsonResponse, nowMs: number): PollResult {
  if (res.status >= 200 && res.status < 300) {
    const video = asRecord(asRecord(res.json)?.video)
    const url = asString(video?.url)
    if (!url) return { state: 'failed', error: generationFailed(`${res.detail} (result without video.url)`) }
    return { state: 'succeeded', outputs: [{ kind: 'url', url, mime: asString(video?.content_type) ?? 'video/mp4' }] }
  }
  const errorType = asString(asRecord(res.json)?.error_type) ?? headerValue(res.headers['x-fal-error-type'])
  if (res.status >= 500 && !errorType) throw falHttpError(res, nowMs)
  if (res.status === 429 || res.status === 401 || res.status === 403) throw falHttpError(res, nowMs)
  if (res.status === 422) return { state: 'failed', error: falHttpError(res, nowMs) }
  return { state: 'failed', error: generationFailed(res.detail) }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
