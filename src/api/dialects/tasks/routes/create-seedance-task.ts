import { SeedanceBody } from '../schemas.js'
import { seedanceInput } from '../translate.js'
import { defineTaskSubmit } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { Task } from '../schemas.js'

export type CreateSeedanceTaskRequest = z.input<typeof SeedanceBody>
export type CreateSeedanceTaskResponse = Task

const SUMMARY = 'Submit a Seedance 2.0 video task (text, image or media to video)'
const EXAMPLE: CreateSeedanceTaskRequest = { prompt: 'a red fox running through fresh snow', aspect_ratio: '16:9', resolution: '720p', duration: '5' }

/**
 * `POST /api/v1/video/seedance`, the documented path, and `/api/v1/video/seedance2`, the live
 * one: one handler and one idempotency binding, so a retry through either path replays the task.
 */
export function registerCreateSeedanceTask(app: FastifyInstance, deps: AppDeps): void {
  const common = { idempotencyRoute: '/video/seedance', summary: SUMMARY, body: SeedanceBody, example: EXAMPLE, type: 'video' as const, translate: seedanceInput }
  defineTaskSubmit(app, deps, { ...common, url: '/video/seedance', operationId: 'createSeedanceTask' })
  defineTaskSubmit(app, deps, { ...common, url: '/video/seedance2', operationId: 'createSeedance2Task' })
}
