import { defineRoute } from '../../../route.js'
import { SubmittedSchema, VideoGenerateBody } from '../schemas.js'
import { D, submitNative, SUBMIT_RESPONSES } from './submit.js'
import { nativeVideoSubmit } from '../submit-input.js'
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
      return reply.send((await submitNative(deps, { req, reply, idempotency }, nativeVideoSubmit(body))) satisfies CreateVideoJobResponse)
    },
  })
}
