import { AppError } from '../../../errors.js'
import { submitJob } from '../submit-job.js'
import { unixSeconds } from '../time-forms.js'
import { DEFAULT_MODEL, MODELS, resolveModel, type CatalogModel } from '../../../catalog/models.js'
import { authOf } from '../../plugins/auth.js'
import { D } from './request.js'
import { imageSize } from './size.js'
import { errorBody, jobFailure, outputSize, ZERO_USAGE } from './present.js'
import type { z } from 'zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.js'
import type { ImageParams } from '../../../domain/params.js'
import type { Job } from '../../../jobs/job-model.js'
import type { ImageEditBody, ImageGenerationBody } from './schemas.js'
import type { IdempotencyContext } from '../../plugins/idempotency.js'

/**
 * OpenAI image model names → ours. Every GPT image model name means our gpt-image-2; DALL·E is
 * refused (different sizes and response format); anything else goes to the catalog as is.
 */
function imageModel(model: string | null | undefined): string | undefined {
  if (model === null || model === undefined) return undefined
  const m = model.trim().toLowerCase()
  if (m.startsWith('gpt-image-') || m.startsWith('chatgpt-image-')) return 'gpt-image-2'
  if (m.startsWith('dall-e')) throw new AppError('invalid_request', `\`model\` ${model} is not available; use gpt-image-2`, { field: 'model' })
  return model
}

const MOST_EDIT_IMAGES = Math.max(...MODELS.map((m) => (m.type === 'image' ? m.maxReferenceImages : 0)))

/**
 * How many `image` files an edit may carry for the requested model: known from the form's
 * `model` field when it came first, else the most any image model takes (the handler checks
 * again once the whole form is read).
 */
export function editImageLimit(fields: Record<string, unknown>): { max: number; rule: string } {
  let model: CatalogModel | undefined
  try {
    const name = typeof fields.model === 'string' ? imageModel(fields.model) : undefined
    model = resolveModel(name ?? DEFAULT_MODEL.image)
  } catch {
    model = undefined
  }
  const max = model?.type === 'image' ? model.maxReferenceImages : MOST_EDIT_IMAGES
  return { max, rule: `takes at most ${max} files${model?.type === 'image' ? ` for ${model.id}` : ''}` }
}

/** Aborts when the client goes away, so a waiting request stops polling. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const ctl = new AbortController()
  reply.raw.once('close', () => ctl.abort())
  return ctl.signal
}

type ImageBody = z.output<typeof ImageGenerationBody> | z.output<typeof ImageEditBody>

/** Checks the OpenAI-only image options; everything else is the catalog's to validate. */
export function checkImageOptions(body: ImageBody): void {
  if (body.stream === true) throw new AppError('invalid_request', '`stream` is not supported; omit it or send false', { field: 'stream' })
  if (body.background === 'transparent') {
    throw new AppError('invalid_request', '`background` transparent is not supported; use opaque or auto', { field: 'background' })
  }
}

/**
 * Submits an image job, waits for it up to REELAY_SYNC_WAIT_MS, and answers as OpenAI's images
 * API does: synchronously, with the images inline (`b64_json`) or as signed links (`url`).
 */
export async function generateImages(
  deps: AppDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { body: ImageBody; idempotency: IdempotencyContext; refs: string[]; refFields: Record<string, string>; fingerprintExtra?: unknown; uploads?: string[]; drop?: () => Promise<void> },
) {
  const { body } = opts
  const model = imageModel(body.model)
  const catalogModel = resolveModel(model ?? DEFAULT_MODEL.image)
  const size = imageSize(body.size, catalogModel?.type === 'image' ? catalogModel.aspectRatios : ['1:1', '3:2', '2:3'])
  const key = opts.idempotency.key
  const auth = authOf(req)
  let submitted: { job: Job; replay: boolean }
  try {
    submitted = await submitJob(deps, req, D, {
      type: 'image',
      model,
      input: {
        prompt: body.prompt,
        n: body.n ?? undefined,
        quality: body.quality && body.quality !== 'auto' ? body.quality.toUpperCase() : undefined,
        format: body.output_format ?? undefined,
        aspectRatio: size.aspectRatio,
        resolution: size.resolution,
        referenceImageUrls: opts.refs.length > 0 ? opts.refs : undefined,
      },
      fields: { aspectRatio: 'size', resolution: 'size', format: 'output_format', ...opts.refFields },
      ...opts.idempotency.claim({ body, files: opts.fingerprintExtra }),
      uploads: opts.uploads ?? [],
    })
  } catch (err) {
    await opts.drop?.()
    throw err
  }
  // A replay refers to the uploads of the first request; this request's copies are not needed.
  if (submitted.replay) await opts.drop?.()
  opts.idempotency.replayed(reply, submitted.replay)
  const jobId = submitted.job.id
  void reply.header('x-reelay-job-id', jobId)

  const job = await deps.jobs.waitForTerminal(auth.accountId, jobId, deps.config.REELAY_SYNC_WAIT_MS, abortOnClose(reply))
  if (!job) throw new AppError('not_found', `The image job ${jobId} was deleted.`)
  if (job.status === 'queued' || job.status === 'processing') {
    // The job goes on (and is charged). Without an idempotency key a retry would start a second
    // job, so tell the SDK not to retry; with one, a retry simply waits for the same job again.
    const seconds = Math.round(deps.config.REELAY_SYNC_WAIT_MS / 1000)
    void reply.header('x-should-retry', key ? 'true' : 'false')
    if (key) void reply.header('retry-after', '5')
    return reply
      .status(504)
      .send(
        errorBody(
          `The image was not ready within ${seconds} s. It is still being generated as job ${jobId}; fetch it with GET /v1/jobs/${jobId}/result${key ? ', or retry with the same Idempotency-Key' : ''}.`,
          'server_error',
          'generation_pending',
        ),
      )
  }
  if (job.status !== 'succeeded') {
    const f = jobFailure(job)
    return reply.status(f.status).send(f.body)
  }

  const p = job.params as ImageParams
  const data =
    (body.response_format ?? 'b64_json') === 'url'
      ? (await deps.jobs.verifiedResultOutputs(job)).map((o) => ({ url: o.url }))
      : await Promise.all(job.outputs.map(async (o) => ({ b64_json: (await deps.jobs.files.read(job.id, o)).toString('base64') })))
  return reply.status(200).send({
    created: unixSeconds(job.createdAt) as number,
    data,
    background: 'opaque',
    output_format: p.format,
    quality: p.quality.toLowerCase(),
    size: outputSize(job),
    usage: ZERO_USAGE,
  })
}
