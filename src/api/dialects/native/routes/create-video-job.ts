import { promptModeFromFlag } from '../../../../prompts/prompt-config.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { SubmittedSchema, VideoGenerateBody } from '../schemas.js'
import { D, sizeInput, submitted, SUBMIT_RESPONSES } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type CreateVideoJobRequest = z.input<typeof VideoGenerateBody>
export type CreateVideoJobResponse = z.output<typeof SubmittedSchema>

/** `POST /v1/videos/generate`: an async video job. */
export function registerCreateVideoJob(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/videos/generate',
    dialect: D,
    operationId: 'createVideoJob',
    summary: 'Create an async video job',
    body: VideoGenerateBody,
    idempotency: 'required',
    example: { prompt: 'a paper boat drifting down a rainy street', model: 'seedance-2.0', size: '16:9_MEDIUM', duration: 5 } satisfies CreateVideoJobRequest,
    responses: { 202: { description: 'Accepted: the job (or the original job on an idempotent replay)', schema: SubmittedSchema }, ...SUBMIT_RESPONSES },
    async handler({ body, req, idempotency }, reply) {
      const size = sizeInput('video', body.size)
      const { job, replay } = await deps.jobs.submit({
        auth: authOf(req),
        requestId: req.id,
        dialect: D,
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
        ...idempotency.claim(),
        webhookUrl: body.webhookUrl,
        promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
        region: body.region,
      })
      idempotency.replayed(reply, replay)
      return reply.status(202).send(submitted(job, replay) satisfies CreateVideoJobResponse)
    },
  })
}
