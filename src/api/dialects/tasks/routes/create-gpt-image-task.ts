import { GptImageBody } from '../schemas.js'
import { gptImageInput } from '../translate.js'
import { defineTaskSubmit } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { Task } from '../schemas.js'

export type CreateGptImageTaskRequest = z.input<typeof GptImageBody>
export type CreateGptImageTaskResponse = Task

/** `POST /api/v1/image/gpt-image-2`. */
export function registerCreateGptImageTask(app: FastifyInstance, deps: AppDeps): void {
  defineTaskSubmit(app, deps, {
    url: '/image/gpt-image-2',
    operationId: 'createGptImageTask',
    summary: 'Submit a GPT Image 2 task',
    body: GptImageBody,
    example: { type: 'text-to-image', prompt: 'a chrome running shoe on a white plinth', resolution: '2K', aspectRatio: '1:1' },
    type: 'image',
    translate: gptImageInput,
  })
}
