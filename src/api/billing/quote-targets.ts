import { promptModeFromFlag } from '../../prompts/prompt-config.js'
import { ImageGenerateBody, VideoGenerateBody } from '../dialects/native/schemas.js'
import { nativeImageSubmit, nativeVideoSubmit } from '../dialects/native/submit-input.js'
import { GptImageBody, NanoBananaBody, Seedance25Body, SeedanceBody } from '../dialects/tasks/schemas.js'
import { gptImageInput, nanoBananaInput, seedance25Input, seedanceInput } from '../dialects/tasks/translate.js'
import { CreateTaskBody, JOBS_MODELS } from '../dialects/jobs/schemas.js'
import { taskInput } from '../dialects/jobs/routes/create-task.js'
import { GenerationBody } from '../dialects/open/schemas.js'
import { openVideoInput } from '../dialects/open/translate.js'
import type { ZodType } from 'zod'
import type { SubmitRequest } from '../../jobs/job-service.js'
import type { JobType } from '../../domain/params.js'

/** A submit request as its route translates it, before the job service sees it. */
export type QuotedInput = Pick<SubmitRequest, 'model' | 'input' | 'fields' | 'promptMode'>

/** One submit route a quote can price: its dialect, body schema and its own translate step. */
export interface QuoteTarget {
  dialect: string
  type: JobType
  body: ZodType
  translate(body: unknown, raw: unknown): QuotedInput
}

function target<B extends ZodType>(dialect: string, type: JobType, body: B, translate: (b: ReturnType<B['parse']>, raw: unknown) => QuotedInput): QuoteTarget {
  return { dialect, type, body, translate: (b, raw) => translate(b as ReturnType<B['parse']>, raw) }
}

const seedance = target('tasks', 'video', SeedanceBody, seedanceInput)

/**
 * Submit route → how it translates a body. Each entry calls the dialect's own translate
 * function, the one its route calls, so a quote prices what the submit would hold.
 */
export const QUOTE_TARGETS: Record<string, QuoteTarget> = {
  '/v1/videos/generate': target('native', 'video', VideoGenerateBody, nativeVideoSubmit),
  '/v1/images/generate': target('native', 'image', ImageGenerateBody, nativeImageSubmit),
  '/api/v1/video/seedance': seedance,
  '/api/v1/video/seedance2': seedance,
  '/api/v1/video/seedance25': target('tasks', 'video', Seedance25Body, seedance25Input),
  '/api/v1/image/gpt-image-2': target('tasks', 'image', GptImageBody, gptImageInput),
  '/api/v1/image/nano-banana-pro': target('tasks', 'image', NanoBananaBody, nanoBananaInput),
  '/api/v1/jobs/createTask': target('jobs', 'video', CreateTaskBody, (b) => ({
    model: JOBS_MODELS[b.model],
    ...taskInput(b),
    promptMode: promptModeFromFlag(b.inputs?.enhancePrompt),
  })),
  '/api/open/v1/video/generations': target('open', 'video', GenerationBody, openVideoInput),
}

/** The routes of a dialect a quote may name by `dialect` alone (its first is the default). */
export function targetsOf(dialect: string): [string, QuoteTarget][] {
  return Object.entries(QUOTE_TARGETS).filter(([, t]) => t.dialect === dialect)
}
