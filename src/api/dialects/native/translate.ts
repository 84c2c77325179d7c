import { promptModeFromFlag } from '../../../prompts/prompt-config.js'
import { sizeInput } from './routes/submit.js'
import type { ImageInput, VideoInput } from '../../../catalog/validate.js'
import type { z } from 'zod'
import type { ImageGenerateBody, VideoGenerateBody } from './schemas.js'

/** What a native submit hands to the job service (and a quote prices). */
export interface NativeTranslated<I> {
  model: string | undefined
  input: I
  fields: Record<string, string>
  promptMode: unknown
}

/** `POST /v1/images/generate` → canonical image input. */
export function nativeImageInput(body: z.output<typeof ImageGenerateBody>): NativeTranslated<ImageInput> {
  const size = sizeInput('image', body.size)
  const refs = [...(body.referenceImage ? [body.referenceImage] : []), ...(body.referenceImages ?? [])]
  return {
    model: body.model,
    input: {
      prompt: body.prompt,
      quality: body.quality?.toUpperCase(),
      aspectRatio: body.aspectRatio ?? size.aspectRatio,
      resolution: body.resolution ?? size.resolution,
      n: body.n,
      format: body.format,
      seed: body.seed,
      referenceImageUrls: refs.length > 0 ? refs : undefined,
    },
    fields: { aspectRatio: body.aspectRatio ? 'aspectRatio' : 'size', resolution: body.resolution ? 'resolution' : 'size', referenceImageUrls: 'referenceImage' },
    promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
  }
}

/** `POST /v1/videos/generate` → canonical video input. */
export function nativeVideoInput(body: z.output<typeof VideoGenerateBody>): NativeTranslated<VideoInput> {
  const size = sizeInput('video', body.size)
  return {
    model: body.model,
    input: {
      prompt: body.prompt,
      durationSec: body.duration,
      aspectRatio: body.aspectRatio ?? size.aspectRatio,
      resolution: body.resolution ?? size.resolution,
      generateAudio: body.motionHasAudio,
      seed: body.seed,
      cameraFixed: body.cameraFixed,
      firstFrameUrl: body.referenceImage,
      lastFrameUrl: body.endImage,
      referenceImageUrls: body.referenceImages,
      referenceVideoUrls: body.referenceVideos,
      referenceAudioUrls: body.referenceAudios,
    },
    fields: {
      durationSec: 'duration',
      aspectRatio: body.aspectRatio ? 'aspectRatio' : 'size',
      resolution: body.resolution ? 'resolution' : 'size',
      generateAudio: 'motionHasAudio',
      firstFrameUrl: 'referenceImage',
      lastFrameUrl: 'endImage',
      referenceImageUrls: 'referenceImages',
      referenceVideoUrls: 'referenceVideos',
      referenceAudioUrls: 'referenceAudios',
    },
    promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
  }
}
