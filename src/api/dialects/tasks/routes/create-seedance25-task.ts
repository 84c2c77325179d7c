import { Seedance25Body } from '../schemas.js'
import { seedance25Input } from '../translate.js'
import { defineTaskSubmit } from './submit.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'
import type { Task } from '../schemas.js'

export type CreateSeedance25TaskRequest = z.input<typeof Seedance25Body>
export type CreateSeedance25TaskResponse = Task

/** `POST /api/v1/video/seedance25`. */
export function registerCreateSeedance25Task(app: FastifyInstance, deps: AppDeps): void {
  defineTaskSubmit(app, deps, {
    url: '/video/seedance25',
    operationId: 'createSeedance25Task',
    summary: 'Submit a Seedance 2.5 video task (4–30 s or -1, up to 1080p; no quality_tier or seed)',
    body: Seedance25Body,
    example: { prompt: 'a hot air balloon over a canyon at sunrise', duration: '10', resolution: '1080p' },
    type: 'video',
    translate: seedance25Input,
  })
}
