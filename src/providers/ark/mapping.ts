import type { VideoParams } from '../../domain/params.js'
import { asRecord, asString, badResponse, generationFailed, responseFailure, type FailureReason, type JsonResponse } from '../http/json-client.js'
import type { PollResult, ProviderError } from '../provider.js'

export type ArkContentItem =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string }; role: 'first_frame' | 'last_frame' | 'reference_image' }
  | { type: 'video_url'; video_url: { url: string }; role: 'reference_video' }
  | { type: 'audio_url'; audio_url: { url: string }; role: 'reference_audio' }

export interface ArkCreateBody {
  model: string
  content: ArkContentItem[]
  generate_audio: boolean
  resolution: string
  ratio: string
  duration: number
  seed: number
  camera_fixed: boolean
  watermark: false
  callback_url?: string
}

/** Canonical params → the create-task body. Settings go in JSON fields, never `--flags` in the text. */
export function toArkBody(p: VideoParams, model: string, callbackUrl?: string): ArkCreateBody {
  const content: ArkContentItem[] = [{ type: 'text', text: p.prompt }]
  if (p.firstFrameUrl) content.push({ type: 'image_url', image_url: { url: p.firstFrameUrl }, role: 'first_frame' })
  if (p.lastFrameUrl) content.push({ type: 'image_url', image_url: { url: p.lastFrameUrl }, role: 'last_frame' })
  for (const url of p.referenceImageUrls) content.push({ type: 'image_url', image_url: { url }, role: 'reference_image' })
  for (const url of p.referenceVideoUrls) content.push({ type: 'video_url', video_url: { url }, role: 'reference_video' })
  for (const url of p.referenceAudioUrls) content.push({ type: 'audio_url', audio_url: { url }, role: 'reference_audio' })
  return {
    model,
    content,
    generate_audio: p.generateAudio,
    resolution: p.resolution,
    ratio: p.aspectRatio,
    duration: p.durationSec,
    seed: p.seed,
    camera_fixed: p.cameraFixed,
    watermark: false,
    ...(callbackUrl ? { callback_url: callbackUrl } : {}),
  }
}

const CONTENT = /sensitive|moderation|risk|copyright|privacy/i
const MODEL_ACCESS = /^InvalidEndpoint|ModelIDAccessDisabled|ModelNotOpen|ModelAccess/i

/** Which of our failure reasons an Ark error code names, if any. */
export function arkReason(code: string | undefined): FailureReason | undefined {
  if (!code) return undefined
  if (MODEL_ACCESS.test(code)) return 'model_access'
  if (CONTENT.test(code)) return 'content'
  return undefined
}

/** Ark's `{error: {code}}` body, if present. */
export function arkErrorCode(json: unknown): string | undefined {
  return asString(asRecord(asRecord(json)?.error)?.code)
}

/** A non-2xx Ark answer → ProviderError. */
export function arkHttpError(res: JsonResponse, nowMs: number): ProviderError {
  return responseFailure(res, nowMs, arkReason(arkErrorCode(res.json)))
}

/** A task object (GET or callback body) → where the job is. */
export function arkTaskToPoll(task: unknown, detail: string): PollResult {
  const t = asRecord(task)
  const status = asString(t?.status)
  switch (status ?? '') {
    case 'queued':
      return { state: 'queued' }
    case 'running':
      return { state: 'running' }
    case 'succeeded': {
      const url = asString(asRecord(t?.content)?.video_url)
      if (!url) return { state: 'failed', error: generationFailed(`${detail} (succeeded without content.video_url)`) }
      return { state: 'succeeded', outputs: [{ kind: 'url', url, mime: 'video/mp4' }] }
    }
    case 'failed': {
      const code = arkErrorCode(t)
      if (arkReason(code) === 'content') return { state: 'failed', error: generationFailed(detail, 'content_rejected') }
      return { state: 'failed', error: generationFailed(detail) }
    }
    case 'cancelled':
      return { state: 'failed', error: generationFailed(detail, 'cancelled') }
    case 'expired':
      return { state: 'failed', error: generationFailed(detail, 'generation_timeout') }
    default:
      throw badResponse(`${detail} (unknown task status)`)
  }
}
