import { z } from 'zod'
import { submitJob } from '../../submit-job.js'
import { promptModeFromFlag } from '../../../../prompts/prompt-config.js'
import { invalid } from '../../../../errors.js'
import { defineRoute } from '../../../route.js'
import { toDialectId } from '../../id-forms.js'
import { CreateTaskBody, JOBS_MODELS, JOBS_RESOLUTIONS } from '../schemas.js'
import { TASK_PREFIX } from '../present.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { VideoInput } from '../../../../catalog/validate.js'

export const D = 'jobs'

export const CreateTaskResponse = z.object({ taskId: z.string().describe('task_…; query it with GET /api/v1/jobs/queryTask') })
export type CreateTaskRequest = z.input<typeof CreateTaskBody>
export type CreateTaskResponse = z.output<typeof CreateTaskResponse>

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

/** `POST /api/v1/jobs/createTask`. */
export function registerCreateTask(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'POST',
    url: '/jobs/createTask',
    dialect: D,
    operationId: 'createTask',
    summary: 'Create a video generation task (seedance2 / seedance2-fast)',
    body: CreateTaskBody,
    idempotency: 'optional',
    example: { model: 'seedance2', inputs: { prompt: 'waves breaking on black sand, slow motion', duration: '5s', resolution: '1280x720' } } satisfies CreateTaskRequest,
    responses: {
      200: { description: 'The new task id', schema: CreateTaskResponse },
      402: 'Insufficient credits',
      429: 'Max 3 simultaneous tasks (per plan)',
    },
    async handler({ body, req, idempotency }): Promise<CreateTaskResponse> {
      const { input, fields } = taskInput(body)
      const { job } = await submitJob(deps, req, D, {
        type: 'video',
        model: JOBS_MODELS[body.model],
        input,
        fields,
        ...idempotency.claim(),
        webhookUrl: body.callBackUrl,
        promptMode: promptModeFromFlag(body.inputs?.enhancePrompt),
      })
      return { taskId: toDialectId(job.id, TASK_PREFIX) }
    },
  })
}
