import { promptModeFromFlag } from '../../../prompts/prompt-config.js'
import { AppError } from '../../../errors.js'
import { requestFingerprint } from '../../../domain/fingerprint.js'
import { catalogList } from '../../catalog-view.js'
import { authenticate, authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { parseSize } from './size.js'
import { ImageGenerateBody, JobIdParams, ListJobsQuery, VideoGenerateBody } from './schemas.js'
import { presentJob, presentResult } from './present.js'
import { chargedCredits } from '../../../ledger/job-charges.js'
import { registerWebhookRoutes } from './webhook-routes.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'
import type { JobType } from '../../../domain/params.js'

const IDEMPOTENCY_HEADER = { 'Idempotency-Key': { required: true, description: 'Unique per new request; a retry with the same key and body returns the original job.' } }

function idempotencyKey(req: FastifyRequest): string {
  const key = req.headers['idempotency-key']
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AppError('invalid_request', 'The `Idempotency-Key` header is required on generate requests.', { field: 'Idempotency-Key' })
  }
  return key
}

function sizeInput(type: JobType, size: string | undefined): { aspectRatio?: string; resolution?: string } {
  if (size === undefined) return {}
  const parsed = parseSize(type, size)
  if (!parsed) throw new AppError('invalid_request', '`size` must look like 16:9_SMALL (ratio, then SMALL, MEDIUM or LARGE)', { field: 'size' })
  return parsed
}

/** The native `/v1` API, in the shape of seed document 000. */
export const nativeDialect: Dialect = {
  name: 'native',
  formatError(err, requestId) {
    return { status: err.status, body: { ok: false, error: { code: err.code, message: err.message, requestId, ...(err.field ? { field: err.field } : {}) } } }
  },
  webhookPayload(job, event, outputs) {
    // Standard Webhooks envelope: the event type, when it happened, and the job as GET shows it.
    const { ok: _ok, ...data } = presentJob(job)
    return { type: event, timestamp: new Date(job.finishedAt ?? job.updatedAt).toISOString(), data: { ...data, outputs: presentResult(job, outputs).outputs } }
  },
  routes(app: FastifyInstance, deps: AppDeps) {
    const auth = authenticate(deps)
    const d = 'native'

    defineRoute(app, {
      method: 'POST',
      url: '/v1/images/generate',
      dialect: d,
      summary: 'Create an async image job',
      body: ImageGenerateBody,
      headers: IDEMPOTENCY_HEADER,
      responses: { 202: 'Accepted: the job (or the original job on an idempotent replay)' },
      preHandler: auth,
      async handler({ body, req }, reply) {
        const size = sizeInput('image', body.size)
        const refs = [...(body.referenceImage ? [body.referenceImage] : []), ...(body.referenceImages ?? [])]
        const { job, replay } = await deps.jobs.submit({
          auth: authOf(req),
          requestId: req.id,
          dialect: d,
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
          idempotencyKey: idempotencyKey(req),
          fingerprint: requestFingerprint('POST', '/v1/images/generate', body),
          webhookUrl: body.webhookUrl,
          promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
          region: body.region,
        })
        return reply.status(202).send(submitted(job, replay))
      },
    })

    defineRoute(app, {
      method: 'POST',
      url: '/v1/videos/generate',
      dialect: d,
      summary: 'Create an async video job',
      body: VideoGenerateBody,
      headers: IDEMPOTENCY_HEADER,
      responses: { 202: 'Accepted: the job (or the original job on an idempotent replay)' },
      preHandler: auth,
      async handler({ body, req }, reply) {
        const size = sizeInput('video', body.size)
        const { job, replay } = await deps.jobs.submit({
          auth: authOf(req),
          requestId: req.id,
          dialect: d,
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
          idempotencyKey: idempotencyKey(req),
          fingerprint: requestFingerprint('POST', '/v1/videos/generate', body),
          webhookUrl: body.webhookUrl,
          promptMode: body.promptMode ?? promptModeFromFlag(body.enhancePrompt),
          region: body.region,
        })
        return reply.status(202).send(submitted(job, replay))
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: '/v1/jobs/:jobId',
      dialect: d,
      summary: 'Get a job: status, progress, timestamps and error',
      params: JobIdParams,
      preHandler: auth,
      async handler({ params, req }) {
        const job = await deps.jobs.get(authOf(req).accountId, params.jobId)
        if (!job) throw new AppError('not_found', 'No job with this id.')
        return presentJob(job)
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: '/v1/jobs/:jobId/result',
      dialect: d,
      summary: 'Get the stored outputs of a job (202 while not ready)',
      params: JobIdParams,
      responses: { 200: 'The outputs', 202: 'Not ready yet', 410: 'A stored output is missing or damaged (file_unavailable)' },
      preHandler: auth,
      async handler({ params, req }, reply) {
        const job = await deps.jobs.get(authOf(req).accountId, params.jobId)
        if (!job) throw new AppError('not_found', 'No job with this id.')
        if (job.status === 'queued' || job.status === 'processing') {
          void reply.header('retry-after', '2')
          return reply.status(202).send({ ok: true, jobId: job.id, status: job.status, progress: job.progress, ready: false })
        }
        return presentResult(job, job.status === 'succeeded' ? await deps.jobs.verifiedResultOutputs(job) : deps.jobs.resultOutputs(job))
      },
    })

    defineRoute(app, {
      method: 'POST',
      url: '/v1/jobs/:jobId/cancel',
      dialect: d,
      summary: 'Cancel a queued or processing job; its hold is released',
      params: JobIdParams,
      responses: { 200: 'The cancelled job', 409: 'The job already finished' },
      preHandler: auth,
      async handler({ params, req }) {
        return presentJob(await deps.jobs.cancel(authOf(req).accountId, params.jobId))
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: '/v1/jobs',
      dialect: d,
      summary: 'List jobs, newest first, with cursor pagination',
      query: ListJobsQuery,
      preHandler: auth,
      async handler({ query, req }) {
        const page = await deps.jobs.list(authOf(req).accountId, query)
        return { ok: true, data: page.jobs.map(presentJob), nextCursor: page.nextCursor, hasMore: page.nextCursor !== null }
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: '/v1/usage',
      dialect: d,
      summary: 'Balance, reserved and available credits, plan, limits and usage this period',
      preHandler: auth,
      async handler({ req }) {
        const u = await deps.jobs.usage(authOf(req))
        return {
          ok: true,
          balance: u.balance,
          reserved: u.reserved,
          available: u.available,
          plan: { id: u.plan.id, name: u.plan.name },
          limits: { requestsPerMinute: u.plan.requestsPerMinute, maxActiveJobs: u.plan.maxActiveJobs, monthlyCreditQuota: u.plan.monthlyCreditQuota },
          usage: {
            periodStart: new Date(u.period.start).toISOString(),
            periodEnd: new Date(u.period.end).toISOString(),
            creditsUsed: u.creditsUsed,
            jobs: u.jobs,
          },
        }
      },
    })

    registerWebhookRoutes(app, deps, auth)

    defineRoute(app, {
      method: 'GET',
      url: '/v1/models',
      dialect: d,
      summary: 'The model catalog with parameters, limits and prices (OpenAI list shape)',
      preHandler: auth,
      async handler() {
        return { ok: true, ...catalogList(deps.prices, 0) }
      },
    })
  },
}

function submitted(job: Parameters<typeof presentJob>[0], replay: boolean) {
  return { ok: true, jobId: job.id, status: job.status, type: job.type, model: job.model, chargedCredits: chargedCredits(job.charges), idempotentReplay: replay }
}
