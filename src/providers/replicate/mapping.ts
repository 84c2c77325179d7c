import type { VideoParams } from '../../domain/params.js'
import { mimeOfName } from '../../media/mime.js'
import { asRecord, asString, badResponse, generationFailed, responseFailure, type FailureReason, type JsonResponse } from '../http/json-client.js'
import type { PollResult, ProviderError, ProviderOutput } from '../provider.js'

export interface ReplicateCreate {
  path: string
  body: Record<string, unknown>
}

/** Canonical params → the Seedance model's `input`. */
export function toReplicateInput(p: VideoParams): Record<string, unknown> {
  const input: Record<string, unknown> = {
    prompt: p.prompt,
    duration: p.durationSec,
    resolution: p.resolution,
    aspect_ratio: p.aspectRatio,
    generate_audio: p.generateAudio,
  }
  if (p.seed >= 0) input.seed = p.seed
  if (p.firstFrameUrl) input.image = p.firstFrameUrl
  if (p.lastFrameUrl) input.last_frame_image = p.lastFrameUrl
  if (p.referenceImageUrls.length) input.reference_images = p.referenceImageUrls
  if (p.referenceVideoUrls.length) input.reference_videos = p.referenceVideoUrls
  if (p.referenceAudioUrls.length) input.reference_audios = p.referenceAudioUrls
  return input
}

/**
 * `owner/name` → the official-model endpoint; `owner/name:version` (or a bare version id) →
 * `/v1/predictions` with that version.
 */
export function replicateCreate(model: string, input: Record<string, unknown>, webhook?: string): ReplicateCreate {
  const hook = webhook ? { webhook, webhook_events_filter: ['completed'] } : {}
  const colon = model.indexOf(':')
  if (colon >= 0) return { path: '/v1/predictions', body: { version: model.slice(colon + 1), input, ...hook } }
  if (!model.includes('/')) return { path: '/v1/predictions', body: { version: model, input, ...hook } }
  const [owner, name] = model.split('/')
  return { path: `/v1/models/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(name ?? '')}/predictions`, body: { input, ...hook } }
}

// E005 is Replicate's code for input or output flagged by its safety checker.
const CONTENT = /\bE005\b|sensitive|flagged|nsfw|safety/i

export function replicateReason(text: string | undefined): FailureReason | undefined {
  return text && CONTENT.test(text) ? 'content' : undefined
}

/** A non-2xx problem-details answer → ProviderError. */
export function replicateHttpError(res: JsonResponse, nowMs: number): ProviderError {
  const body = asRecord(res.json)
  return responseFailure(res, nowMs, replicateReason([asString(body?.detail), asString(body?.title)].filter(Boolean).join(' ')))
}

function outputsOf(output: unknown): ProviderOutput[] {
  const urls = (Array.isArray(output) ? output : [output]).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u))
  return urls.map((url) => {
    const named = mimeOfName(new URL(url).pathname)
    return { kind: 'url', url, mime: named?.startsWith('video/') ? named : 'video/mp4' }
  })
}

/** A prediction (GET, cancel answer or webhook body) → where the job is. */
export function predictionToPoll(prediction: unknown, detail: string): PollResult {
  const p = asRecord(prediction)
  switch (asString(p?.status) ?? '') {
    case 'starting':
      return { state: 'queued' }
    case 'processing':
      return { state: 'running' }
    case 'succeeded': {
      const outputs = outputsOf(p?.output)
      // Replicate drops API outputs after about an hour; a late poll finds `data_removed`.
      if (!outputs.length) return { state: 'failed', error: generationFailed(`${detail} (succeeded without output)`) }
      return { state: 'succeeded', outputs }
    }
    case 'failed': {
      const error = typeof p?.error === 'string' ? p.error : JSON.stringify(p?.error ?? null)
      if (replicateReason(error)) return { state: 'failed', error: generationFailed(detail, 'content_rejected') }
      return { state: 'failed', error: generationFailed(detail) }
    }
    case 'canceled':
      return { state: 'failed', error: generationFailed(detail, 'cancelled') }
    case 'aborted':
      return { state: 'failed', error: generationFailed(detail, 'generation_timeout') }
    default:
      throw badResponse(`${detail} (unknown prediction status)`)
  }
}
