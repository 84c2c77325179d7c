import { submitJob } from '../../submit-job.js'
import { defineRoute } from '../../../route.js'
import { mediaError, type Translated } from '../translate.js'
import { presentTask } from '../present.js'
import { TaskSchema } from '../schemas.js'
import type { z, ZodType } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { JobType } from '../../../../domain/params.js'
import type { ImageInput, VideoInput } from '../../../../catalog/validate.js'

export const D = 'tasks'

const SUBMIT_RESPONSES = {
  200: { description: 'The task (the original task on an idempotent replay)', schema: TaskSchema, headers: { 'idempotent-replayed': '`true` on a replay' } },
  402: 'insufficient_credits',
  429: 'rate_limited',
}

export interface TaskSubmit<B extends ZodType> {
  /** Relative to `/api/v1`. */
  url: string
  /** The path Idempotency-Keys are bound to, when another path is the same operation. */
  idempotencyRoute?: string
  operationId: string
  summary: string
  body: B
  example: z.input<B>
  type: JobType
  translate(body: z.output<B>): Translated<VideoInput | ImageInput>
}

/** A 001 submit route: translate the body, submit, answer with the task (200, as 001 does). */
export function defineTaskSubmit<B extends ZodType>(app: FastifyInstance, deps: AppDeps, spec: TaskSubmit<B>): void {
  defineRoute(app, {
    method: 'POST',
    url: spec.url,
    dialect: D,
    operationId: spec.operationId,
    summary: spec.summary,
    body: spec.body,
    // The 001 document sends one, but clients of the live service omit it: optional, and when
    // present the replay and conflict rules hold as everywhere.
    idempotency: 'optional',
    ...(spec.idempotencyRoute ? { idempotencyRoute: spec.idempotencyRoute } : {}),
    example: spec.example,
    responses: SUBMIT_RESPONSES,
    async handler({ body, req, idempotency }, reply) {
      try {
        const t = spec.translate(body)
        const { job, replay } = await submitJob(deps, req, D, {
          type: spec.type,
          model: t.model,
          input: t.input,
          fields: t.fields,
          ...idempotency.claim(),
        })
        idempotency.replayed(reply, replay)
        return reply.status(200).send(presentTask(job, []))
      } catch (err) {
        throw mediaError(err)
      }
    },
  })
}
