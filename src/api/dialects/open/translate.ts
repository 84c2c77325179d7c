import { invalid } from '../../../errors.js'
import { OPEN_DEFAULT_MODEL, unknownField, type GenerationBody } from './schemas.js'
import type { VideoInput } from '../../../catalog/validate.js'

/** Canonical field → this API's field, so catalog errors name what the client sent (the others match). */
const FIELDS = { durationSec: 'duration', firstFrameUrl: 'imageUrl', lastFrameUrl: 'endImageUrl' }

/** `POST /api/open/v1/video/generations` → canonical video input; `raw` is the body as sent, for its unknown-field rule. */
export function openVideoInput(body: GenerationBody, raw: unknown): { model: string; input: VideoInput; fields: Record<string, string> } {
  const unknown = unknownField(raw)
  if (unknown) throw invalid(unknown.field, `is not a field of this API${unknown.suggestion ? `; did you mean \`${unknown.suggestion}\`?` : ''}`)
  return {
    model: body.model ?? OPEN_DEFAULT_MODEL,
    input: {
      prompt: body.prompt,
      durationSec: body.duration,
      aspectRatio: body.aspectRatio,
      resolution: body.resolution,
      firstFrameUrl: body.imageUrl,
      lastFrameUrl: body.endImageUrl,
      referenceImageUrls: body.referenceImageUrls,
      referenceVideoUrls: body.referenceVideoUrls,
      referenceAudioUrls: body.referenceAudioUrls,
      generateAudio: body.generateAudio,
      seed: body.seed,
      cameraFixed: body.cameraFixed,
    },
    fields: FIELDS,
  }
}
