import { promptModeFromFlag } from '../../../prompts/prompt-config.js'
import { sizeInput } from './routes/submit.js'
import type { z } from 'zod'
import type { SubmitRequest } from '../../../jobs/job-service.js'
import type { ImageGenerateBody, VideoGenerateBody } from './schemas.js'

/** What a native generate body asks of the job service (the caller adds who, and the idempotency key and fingerprint). */
export type NativeSubmit = Pick<SubmitRequest, 'type' | 'model' | 'input' | 'fields' | 'webhookUrl' | 'promptMode' | 'region'>

/** `POST /v1/images/generate`, and the dashboard playground's image requests. */
export function nativeImageSubmit(body: z.output<typeof ImageGenerateBody>): NativeSubmit {
  const size = sizeInput('image', body.size)
  const refs = [...(body.referenceImage ? [body.referenceImage] : []), ...(body.referenceImages ?? [])]
  return {
    type: 'image',
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
    webhookUrl: body.webhookUrl,
    promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
    region: body.region,
  }
}

/** `POST /v1/videos/generate` (and the dashboard playground's video requests). */
export function nativeVideoSubmit(body: z.output<typeof VideoGenerateBody>): NativeSubmit {
  const size = sizeInput('video', body.size)
  return {
    type: 'video',
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
    webhookUrl: body.webhookUrl,
    promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
    region: body.region,
  }
}
