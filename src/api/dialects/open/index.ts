import { AppError } from '../../../errors.js'
import { requestFingerprint } from '../../../domain/fingerprint.js'
import { MODELS, type VideoModel } from '../../../catalog/models.js'
import { catalogList } from '../../catalog-view.js'
import { authenticate, authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { fromDialectId } from '../id-forms.js'
import { GenerationBody, OPEN_ASPECT_RATIOS, RequestIdParams } from './schemas.js'
import { presentGeneration, REQUEST_PREFIX } from './present.js'
import { openVideoInput } from './translate.js'
import { withoutUnsupportedMediaType } from '../not-json.js'
import { chargedCredits } from '../../../ledger/job-charges.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'

const D = 'open'
const BASE = '/api/open/v1'

function idempotency(req: FastifyRequest, body: unknown): { idempotencyKey?: string; fingerprint?: string } {
  const key = req.headers['idempotency-key']
  if (typeof key !== 'string') return {}
  return { idempotencyKey: key, fingerprint: requestFingerprint('POST', `${BASE}/video/generations`, body) }
}

/** USD shown to 6 decimals, so 20 credits × 0.0025 reads 0.05 and not 0.05000000000000001. */
const usd = (x: number) => Math.round(x * 1e6) / 1e6

/** The Seedance 2.0 Open API (`/api/open/v1/…`, seed 004). */
export const openDialect: Dialect = {
  name: D,
  formatError(raw) {
    const err = withoutUnsupportedMediaType(raw)
    // Seed 004: every error is `{success:false, error:{code, message}}`; a bad key always reads
    // "Invalid API key", and the concurrency limit counts as its `rate_limited`. The request id
    // travels in the `x-request-id` header.
    const code = err.code === 'concurrency_limited' ? 'rate_limited' : err.code
    const message = err.code === 'unauthorized' ? 'Invalid API key' : err.message
    return { status: err.status, body: { success: false, error: { code, message, ...(err.field ? { field: err.field } : {}) } } }
  },
  webhookPayload(job, _event, outputs) {
    // Seed 004's completion payload, exactly: {success, requestId, status, output:{type,url}, error}.
    const g = presentGeneration(job, outputs)
    return { success: job.status === 'succeeded', requestId: g.requestId, status: g.status, output: g.output ? { type: g.output.type, url: g.output.url } : null, error: g.error }
  },
  routes(app: FastifyInstance, deps: AppDeps) {
    const auth = authenticate(deps)

    defineRoute(app, {
      method: 'GET',
      url: `${BASE}/models`,
      dialect: D,
      summary: 'Video models with durations, aspect ratios, resolutions and USD per second (public)',
      async handler() {
        const perSecond = new Map<string, Record<string, number>>()
        for (const entry of catalogList(deps.prices, 0).data) {
          if ('creditsPerSecond' in entry.pricing) perSecond.set(entry.id, entry.pricing.creditsPerSecond ?? {})
        }
        const rate = deps.config.REELAY_CREDIT_USD
        const video = MODELS.filter((m): m is VideoModel => m.type === 'video')
        return {
          success: true,
          data: video.map((m) => {
            const credits = perSecond.get(m.id) ?? {}
            const hasRefs = m.references.total > 0
            return {
              id: m.id,
              type: 'video_generation',
              mode: m.frames || hasRefs ? 'image_to_video' : 'text_to_video',
              modes: ['text_to_video', ...(m.frames ? ['image_to_video'] : []), ...(hasRefs ? ['reference_to_video'] : [])],
              name: m.name,
              description: m.description,
              durations: m.durations,
              aspectRatios: OPEN_ASPECT_RATIOS.filter((r) => m.aspectRatios.includes(r)),
              resolutions: m.resolutions,
              usdPerSecond: Object.fromEntries(m.resolutions.map((r) => [r, usd((credits[r] ?? 0) * rate)])),
            }
          }),
        }
      },
    })

    defineRoute(app, {
      method: 'POST',
      url: `${BASE}/video/generations`,
      dialect: D,
      summary: 'Submit a video generation task',
      body: GenerationBody,
      headers: { 'Idempotency-Key': { required: false, description: 'Optional; a retry with the same key and body returns the original task.' } },
      responses: { 200: '`{success, requestId, status, creditsCharged, model}`', 400: 'invalid_request', 401: 'unauthorized', 402: 'insufficient_credits', 429: 'rate_limited' },
      preHandler: auth,
      async handler({ body, req }) {
        const { job } = await deps.jobs.submit({
          auth: authOf(req),
          requestId: req.id,
          dialect: D,
          type: 'video',
          ...openVideoInput(body, req.body),
          ...idempotency(req, body),
          webhookUrl: body.webhookUrl,
        })
        const shown = presentGeneration(job, [])
        return { success: true, requestId: shown.requestId, status: shown.status, model: job.model, creditsCharged: chargedCredits(job.charges), createdAt: shown.createdAt }
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: `${BASE}/video/generations/:requestId`,
      dialect: D,
      summary: 'Query a task; `output.url` is set once it succeeded',
      params: RequestIdParams,
      responses: { 200: 'The task', 404: 'not_found' },
      preHandler: auth,
      async handler({ params, req }) {
        const job = await deps.jobs.get(authOf(req).accountId, fromDialectId(params.requestId, REQUEST_PREFIX))
        if (!job) throw new AppError('not_found', 'No generation with this requestId.')
        return presentGeneration(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
      },
    })

    defineRoute(app, {
      method: 'POST',
      url: `${BASE}/video/generations/:requestId/cancel`,
      dialect: D,
      summary: 'Cancel a queued or processing task; its credits are released',
      params: RequestIdParams,
      responses: { 200: 'The cancelled task', 404: 'not_found', 409: 'job_not_cancellable: the task already finished' },
      preHandler: auth,
      async handler({ params, req }) {
        const job = await deps.jobs.cancel(authOf(req).accountId, fromDialectId(params.requestId, REQUEST_PREFIX))
        return presentGeneration(job, [])
      },
    })
  },
}
