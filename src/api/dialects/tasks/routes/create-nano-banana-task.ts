import { NanoBananaBody } from '../schemas.js'
import { nanoBananaInput } from '../translate.js'
import { defineTaskSubmit } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { Task } from '../schemas.js'

export type CreateNanoBananaTaskRequest = z.input<typeof NanoBananaBody>
export type CreateNanoBananaTaskResponse = Task

/** `POST /api/v1/image/nano-banana-pro`. */
export function registerCreateNanoBananaTask(app: FastifyInstance, deps: AppDeps): void {
  defineTaskSubmit(app, deps, {
    url: '/image/nano-banana-pro',
    operationId: 'createNanoBananaTask',
    summary: 'Submit a Nano Banana Pro task',
    body: NanoBananaBody,
    example: { type: 'text-to-image', prompt: 'a bowl of ramen, top-down photo', image_size: '1:1', output_format: 'png' },
    type: 'image',
    translate: nanoBananaInput,
  })
}
