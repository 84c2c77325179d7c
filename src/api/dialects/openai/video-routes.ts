import { AppError } from '../../../errors.js'
import { requestFingerprint } from '../../../domain/fingerprint.js'
import { clientPollAfterMs } from '../../../domain/poll-schedule.js'
import { DEFAULT_MODEL, resolveModel } from '../../../catalog/models.js'
import { authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { fromDialectId, toDialectId } from '../id-forms.js'
import { multipartReader, uploadsOf } from './multipart.js'
import { VideoContentQuery, VideoCreateBody, VideoIdParams, VideoListQuery } from './schemas.js'
import { videoSize } from './size.js'
import { presentVideo } from './present.js'
import { D, IDEMPOTENCY_HEADER, idempotencyKey } from './request.js'
import { fileFingerprint, fromDataUrl, uploadStore } from './uploads.js'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Job } from '../../../jobs/job-model.js'

const VIDEO_PREFIX = 'video'

/** Sora names → ours: `sora-2-pro*` → seedance-2.0, any other `sora*` → seedance-2.0-fast. */
function videoModel(model: string | null | undefined): string | undefined {
  if (model === null || model === undefined) return undefined
  const m = model.trim().toLowerCase()
  if (m.startsWith('sora-2-pro')) return 'seedance-2.0'
  if (m.startsWith('sora')) return 'seedance-2.0-fast'
  return model
}

function notAVideo(id: string): AppError {
  return new AppError('not_found', `No video found with id '${id}'.`, { field: 'video_id' })
}

/** The video job behind an OpenAI video id; image jobs and other accounts' jobs are not found. */
async function findVideo(deps: AppDeps, req: FastifyRequest, id: string): Promise<Job> {
  let jobId: string
  try {
    jobId = fromDialectId(id, VIDEO_PREFIX)
  } catch {
    throw notAVideo(id)
  }
  const job = await deps.jobs.get(authOf(req).accountId, jobId)
  if (!job || job.type !== 'video') throw notAVideo(id)
  return job
}

/** `/v1/videos`: create, retrieve, download content, list and delete (OpenAI videos.*). */
export function registerVideoRoutes(scope: FastifyInstance, deps: AppDeps, auth: preHandlerAsyncHookHandler): void {
  defineRoute(scope, {
    method: 'POST',
    url: '/v1/videos',
    dialect: D,
    summary: 'Create a video job (OpenAI videos.create); multipart or JSON',
    body: VideoCreateBody,
    headers: IDEMPOTENCY_HEADER,
    consumes: ['multipart/form-data', 'application/json'],
    responses: { 200: 'The video object (status queued)' },
    preHandler: [auth, multipartReader(deps.config, { input_reference: () => ({ max: 1, rule: 'takes one file' }) })],
    async handler({ body, req }) {
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
        submitted = await deps.jobs.submit({
          auth: authOf(req),
          requestId: req.id,
          dialect: D,
          type: 'video',
          model,
          input: { prompt: body.prompt, durationSec, aspectRatio: size.aspectRatio, resolution: size.resolution, firstFrameUrl },
          fields: { durationSec: 'seconds', aspectRatio: 'size', resolution: 'size', firstFrameUrl: refField },
          idempotencyKey: idempotencyKey(req),
          fingerprint: requestFingerprint('POST', '/v1/videos', { body, files: fileFingerprint(files) }),
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

  defineRoute(scope, {
    method: 'GET',
    url: '/v1/videos/:video_id',
    dialect: D,
    summary: 'Get a video (OpenAI videos.retrieve)',
    params: VideoIdParams,
    preHandler: auth,
    async handler({ params, req }, reply) {
      const job = await findVideo(deps, req, params.video_id)
      // The header OpenAI sends while an object runs; the SDKs' poll helpers wait this long.
      if (job.status === 'queued' || job.status === 'processing') {
        void reply.header('openai-poll-after-ms', String(clientPollAfterMs(resolveModel(job.model)?.typicalMs ?? 60_000)))
      }
      return presentVideo(job)
    },
  })

  defineRoute(scope, {
    method: 'GET',
    url: '/v1/videos/:video_id/content',
    dialect: D,
    summary: 'Download the MP4 of a completed video (OpenAI videos.downloadContent)',
    params: VideoIdParams,
    query: VideoContentQuery,
    responses: { 200: 'video/mp4 bytes', 400: 'Not completed', 404: 'No such video or variant', 410: 'The stored video is missing or damaged (file_unavailable)' },
    preHandler: auth,
    async handler({ params, query, req }, reply) {
      const job = await findVideo(deps, req, params.video_id)
      const variant = query.variant ?? 'video'
      if (variant !== 'video') throw new AppError('not_found', `This video has no ${variant} variant; only variant=video is available.`, { field: 'variant' })
      const video = presentVideo(job)
      const out = job.outputs[0]
      if (job.status !== 'succeeded' || !out) {
        throw new AppError('invalid_request', `The video is ${video.status}; its content is available once it is completed.`, { field: 'video_id' })
      }
      const file = await deps.jobs.files.open(out.key, { jobId: job.id, expected: out })
      void reply.header('content-type', out.mime).header('content-length', String(file.size)).header('content-disposition', `attachment; filename="${video.id}.mp4"`)
      return reply.send(file.stream)
    },
  })

  defineRoute(scope, {
    method: 'GET',
    url: '/v1/videos',
    dialect: D,
    summary: 'List videos, newest first (OpenAI videos.list cursor page)',
    query: VideoListQuery,
    preHandler: auth,
    async handler({ query, req }) {
      if (query.order === 'asc') throw new AppError('invalid_request', '`order` asc is not supported; videos are listed newest first (desc)', { field: 'order' })
      let cursor: string | undefined
      if (query.after !== undefined) {
        try {
          cursor = fromDialectId(query.after, VIDEO_PREFIX)
        } catch {
          throw new AppError('invalid_request', '`after` must be a video id', { field: 'after' })
        }
      }
      const page = await deps.jobs.list(authOf(req).accountId, { type: 'video', cursor, limit: query.limit ?? 20 })
      const data = page.jobs.map(presentVideo)
      return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.nextCursor !== null }
    },
  })

  defineRoute(scope, {
    method: 'DELETE',
    url: '/v1/videos/:video_id',
    dialect: D,
    summary: 'Delete a video and its stored files (an unfinished one is cancelled first and its hold released)',
    params: VideoIdParams,
    preHandler: auth,
    async handler({ params, req }) {
      const job = await findVideo(deps, req, params.video_id)
      await deps.jobs.remove(authOf(req).accountId, job.id)
      return { id: toDialectId(job.id, VIDEO_PREFIX), object: 'video.deleted', deleted: true }
    },
  })
}
