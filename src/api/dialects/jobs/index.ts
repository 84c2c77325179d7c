import { promptModeFromFlag } from '../../../prompts/prompt-config.js'
import { AppError, invalid } from '../../../errors.js'
import { requestFingerprint } from '../../../domain/fingerprint.js'
import { authenticate, authOf } from '../../plugins/auth.js'
import { defineRoute } from '../../route.js'
import { fromDialectId, toDialectId } from '../id-forms.js'
import { CreateTaskBody, JOBS_MODELS, JOBS_RESOLUTIONS, QueryTaskQuery } from './schemas.js'
import { presentTask, TASK_PREFIX } from './present.js'
import { withoutUnsupportedMediaType } from '../not-json.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { Dialect } from '../../dialect.js'
import type { VideoInput } from '../../../catalog/validate.js'

const D = 'jobs'
const BASE = '/api/v1'

/** `"5s"` → 5. Numbers pass through for the catalog to check; anything else is refused here. */
function durationSeconds(v: string | number | undefined): number | undefined {
  if (v === undefined || typeof v === 'number') return v
  const m = /^\s*(\d{1,3})\s*s?\s*$/i.exec(v)
  if (!m?.[1]) throw invalid('inputs.duration', 'must be a duration like "5s" ("4s" to "15s")')
  return Number(m[1])
}

/** Canonical field → seed 002's field; the catalog names list items like their list (`inputs.urls[3]`). */
const FIELDS: Record<string, string> = {
  prompt: 'inputs.prompt',
  durationSec: 'inputs.duration',
  resolution: 'inputs.resolution',
  aspectRatio: 'inputs.resolution',
  size: 'inputs.resolution',
  upscale: 'inputs.upscaleResolution',
  firstFrameUrl: 'inputs.urls[0]',
  lastFrameUrl: 'inputs.urls[1]',
  referenceImageUrls: 'inputs.urls',
  referenceVideoUrls: 'inputs.videoUrls',
  referenceAudioUrls: 'inputs.audioUrls',
  webhookUrl: 'callBackUrl',
}

/**
 * Seed 002's `inputs` in canonical form. `videoInputMode` decides what `urls` mean: keyframe
 * (the default) takes a first and an optional last frame; reference takes up to 9 reference
 * images and is the only mode that accepts `videoUrls` and `audioUrls`.
 */
export function taskInput(body: CreateTaskBody): { input: VideoInput; fields: Record<string, string> } {
  const inputs = body.inputs ?? {}
  const mode = inputs.videoInputMode ?? 'keyframe'
  const urls = inputs.urls ?? []
  const ratio = inputs.resolution ? JOBS_RESOLUTIONS[inputs.resolution] : undefined
  // The seed's sizes are exact pixels (1280x540 is not 720p's 21:9, 1680x720), so pass them on.
  const [width, height] = (inputs.resolution ?? '').split('x').map(Number)
  const input: VideoInput = {
    prompt: inputs.prompt,
    durationSec: durationSeconds(inputs.duration),
    ...(ratio ? { resolution: '720p', aspectRatio: ratio, size: { width, height } } : {}),
    upscale: inputs.upscaleResolution,
  }
  if (mode === 'keyframe') {
    if (urls.length > 2) {
      throw invalid('inputs.urls', `must have at most 2 items in keyframe mode (first and last frame; got ${urls.length}); send "videoInputMode": "reference" for up to 9 reference images`)
    }
    for (const f of ['videoUrls', 'audioUrls'] as const) {
      if ((inputs[f]?.length ?? 0) > 0) throw invalid(`inputs.${f}`, 'is only allowed when `inputs.videoInputMode` is "reference"')
    }
    input.firstFrameUrl = urls[0]
    input.lastFrameUrl = urls[1]
  } else {
    input.referenceImageUrls = urls
    input.referenceVideoUrls = inputs.videoUrls
    input.referenceAudioUrls = inputs.audioUrls
  }
  return { input, fields: FIELDS }
}

function idempotency(req: FastifyRequest, body: unknown): { idempotencyKey?: string; fingerprint?: string } {
  const key = req.headers['idempotency-key']
  if (typeof key !== 'string') return {}
  return { idempotencyKey: key, fingerprint: requestFingerprint('POST', `${BASE}/jobs/createTask`, body) }
}

/** The seedance2-ai.ai Enhanced API (`/api/v1/jobs/…`, seed 002). */
export const jobsDialect: Dialect = {
  name: D,
  formatError(raw, requestId) {
    const err = withoutUnsupportedMediaType(raw)
    // `error` is a readable string, as in a FAILED task, so `throw new Error(result.error)` works for both.
    return { status: err.status, body: { error: err.message, code: err.code, status: err.status, requestId, ...(err.field ? { field: err.field } : {}) } }
  },
  webhookPayload(job, _event, outputs) {
    // Seed 002: "The callback payload has the same schema as the Query Task response."
    return presentTask(job, outputs)
  },
  // Seed 002: "Retries up to 3 times (1s, 5s, 30s delays)": four attempts, then failed.
  webhookScheduleMs: [1_000, 5_000, 30_000],
  routes(app: FastifyInstance, deps: AppDeps) {
    const auth = authenticate(deps)

    defineRoute(app, {
      method: 'POST',
      url: `${BASE}/jobs/createTask`,
      dialect: D,
      summary: 'Create a video generation task (seedance2 / seedance2-fast)',
      body: CreateTaskBody,
      headers: { 'Idempotency-Key': { required: false, description: 'Optional; a retry with the same key and body returns the original task.' } },
      responses: { 200: '`{taskId}`', 400: 'Invalid parameters', 401: 'Invalid or missing API key', 402: 'Insufficient credits', 429: 'Max 3 simultaneous tasks (per plan)' },
      preHandler: auth,
      async handler({ body, req }) {
        const { input, fields } = taskInput(body)
        const { job } = await deps.jobs.submit({
          auth: authOf(req),
          requestId: req.id,
          dialect: D,
          type: 'video',
          model: JOBS_MODELS[body.model],
          input,
          fields,
          ...idempotency(req, body),
          webhookUrl: body.callBackUrl,
          promptMode: promptModeFromFlag(body.inputs?.enhancePrompt),
        })
        return { taskId: toDialectId(job.id, TASK_PREFIX) }
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: `${BASE}/jobs/queryTask`,
      dialect: D,
      summary: 'Query task status and result',
      query: QueryTaskQuery,
      responses: { 200: 'The task', 403: "Another account's task", 404: 'Task not found' },
      preHandler: auth,
      async handler({ query, req }) {
        const { accountId } = authOf(req)
        const id = fromDialectId(query.taskId, TASK_PREFIX)
        const job = await deps.jobs.get(accountId, id)
        if (!job) {
          if (await deps.jobs.existsElsewhere(accountId, id)) throw new AppError('forbidden', 'You can only query your own tasks.')
          throw new AppError('not_found', 'No task with this taskId.')
        }
        return presentTask(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
      },
    })

    defineRoute(app, {
      method: 'GET',
      url: `${BASE}/account/credits`,
      dialect: D,
      summary: 'Credit balance and credits available for new tasks',
      preHandler: auth,
      async handler({ req }) {
        const u = await deps.jobs.usage(authOf(req))
        return { credits: u.balance, availableCredits: u.available }
      },
    })
  },
}
