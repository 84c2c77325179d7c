import { AppError } from '../../../../errors.js'
import { submitJob } from '../../submit-job.js'
import { DEFAULT_MODEL, resolveModel } from '../../../../catalog/models.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { multipartReader, uploadsOf } from '../multipart.js'
import { VideoCreateBody, VideoObjectSchema } from '../schemas.js'
import { videoSize } from '../size.js'
import { presentVideo } from '../present.js'
import { D } from '../request.js'
import { fileFingerprint, fromDataUrl, uploadStore } from '../uploads.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { Job } from '../../../../jobs/job-model.js'

export type CreateVideoRequest = z.input<typeof VideoCreateBody>
export type CreateVideoResponse = z.output<typeof VideoObjectSchema>

/** Sora names → ours: `sora-2-pro*` → seedance-2.0, any other `sora*` → seedance-2.0-fast. */
function videoModel(model: string | null | undefined): string | undefined {
  if (model === null || model === undefined) return undefined
  const m = model.trim().toLowerCase()
  if (m.startsWith('sora-2-pro')) return 'seedance-2.0'
  if (m.startsWith('sora')) return 'seedance-2.0-fast'
  return model
}

/** `POST /v1/videos` (OpenAI videos.create): multipart as the SDK sends it, or JSON. */
export function registerCreateVideo(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'POST',
    url: '/videos',
    dialect: D,
    operationId: 'createVideo',
    summary: 'Create a video job (OpenAI videos.create); multipart or JSON',
    body: VideoCreateBody,
    idempotency: 'optional',
    consumes: ['multipart/form-data', 'application/json'],
    example: { prompt: 'a timelapse of clouds over a mountain ridge', model: 'sora-2', seconds: '8', size: '1280x720' } satisfies CreateVideoRequest,
    responses: { 200: { description: 'The video object (status queued)', schema: VideoObjectSchema }, 429: 'rate_limit_exceeded or insufficient_quota' },
    preHandler: [multipartReader(deps.config, { input_reference: () => ({ max: 1, rule: 'takes one file' }) })],
    async handler({ body, req, idempotency }): Promise<CreateVideoResponse> {
      const files = uploadsOf(req)
      const model = videoModel(body.model)
      const catalogModel = resolveModel(model ?? DEFAULT_MODEL.video)
      const ratios = catalogModel?.type === 'video' ? catalogModel.aspectRatios : ['16:9', '9:16']
      const size = videoSize(body.size ?? '720x1280', ratios)

      let durationSec: number | undefined
      if (body.seconds === undefined || body.seconds === null) {
        // OpenAI's default is 4 s; a model without 4 s keeps its own default.
        durationSec = catalogModel?.type === 'video' && catalogModel.durations.includes(4) ? 4 : undefined
      } else if (typeof body.seconds === 'number') {
        durationSec = body.seconds
      } else if (/^\s*\d{1,3}\s*$/.test(body.seconds)) {
        durationSec = Number(body.seconds)
      } else {
        throw new AppError('invalid_request', '`seconds` must be a whole number of seconds, e.g. "4", "8" or "12"', { field: 'seconds' })
      }

      const store = uploadStore(deps, authOf(req).accountId)
      let firstFrameUrl: string | undefined
      let refField = 'input_reference'
      const ref = body.input_reference
      try {
        if (files[0]) {
          if (ref !== undefined && ref !== null) throw new AppError('invalid_request', '`input_reference` was sent both as a file and as a value', { field: 'input_reference' })
          firstFrameUrl = await store.put(files[0], 'input_reference')
        } else if (typeof ref === 'string') {
          const bytes = fromDataUrl(ref, 'input_reference')
          firstFrameUrl = bytes ? await store.put(bytes, 'input_reference') : ref
        } else if (ref) {
          if (ref.file_id !== undefined) {
            throw new AppError('invalid_request', '`input_reference.file_id` is not supported; upload the file or send image_url', { field: 'input_reference.file_id' })
          }
          refField = 'input_reference.image_url'
          if (ref.image_url === undefined) throw new AppError('invalid_request', `\`${refField}\` is required`, { field: refField })
          const bytes = fromDataUrl(ref.image_url, refField)
          firstFrameUrl = bytes ? await store.put(bytes, refField) : ref.image_url
        }
      } catch (err) {
        await store.drop()
        throw err
      }

      let submitted: { job: Job; replay: boolean }
      try {
        submitted = await submitJob(deps, req, D, {
          type: 'video',
          model,
          input: { prompt: body.prompt, durationSec, aspectRatio: size.aspectRatio, resolution: size.resolution, firstFrameUrl },
          fields: { durationSec: 'seconds', aspectRatio: 'size', resolution: 'size', firstFrameUrl: refField },
          ...idempotency.claim({ body, files: fileFingerprint(files) }),
          uploads: store.keys,
        })
      } catch (err) {
        await store.drop()
        throw err
      }
      if (submitted.replay) await store.drop()
      return presentVideo(submitted.job)
    },
  })
}
