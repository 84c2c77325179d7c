import { z } from 'zod'

const url = z.string().max(4096)

/** The seed's pixel sizes. Each is 720p at one aspect ratio. */
export const JOBS_RESOLUTIONS = {
  '720x720': '1:1',
  '720x960': '3:4',
  '960x720': '4:3',
  '1280x720': '16:9',
  '720x1280': '9:16',
  '1280x540': '21:9',
} as const

export type JobsResolution = keyof typeof JOBS_RESOLUTIONS

/** The seed's model names, mapped to catalog ids. */
export const JOBS_MODELS = { seedance2: 'seedance-2.0', 'seedance2-fast': 'seedance-2.0-fast' } as const

export type JobsModel = keyof typeof JOBS_MODELS

/** `POST /api/v1/jobs/createTask` (seed 002). */
export const CreateTaskBody = z.object({
  model: z.enum(Object.keys(JOBS_MODELS) as [JobsModel, ...JobsModel[]]).describe('"seedance2" (standard) or "seedance2-fast"'),
  callBackUrl: url.optional().describe('Webhook URL for async result notification'),
  inputs: z
    .object({
      prompt: z.string().optional().describe('Text description of video content'),
      urls: z.array(url).optional().describe('Image URLs: 1 for image-to-video, 2 for keyframes (first, last), up to 9 in reference mode'),
      videoUrls: z.array(url).optional().describe('Reference video URLs (reference mode only, max 3)'),
      audioUrls: z.array(url).optional().describe('Reference audio URLs (reference mode only, max 3)'),
      duration: z.union([z.string(), z.number()]).optional().describe('"4s" to "15s" (default "5s")'),
      resolution: z.enum(Object.keys(JOBS_RESOLUTIONS) as [JobsResolution, ...JobsResolution[]]).optional().describe('Output size (all 720p); default 1280x720'),
      videoInputMode: z.enum(['keyframe', 'reference']).optional().describe('How `urls` are used (default "keyframe")'),
      upscaleResolution: z.enum(['2k', '4k']).optional().describe('Upscale the output to 2K or 4K'),
      enhancePrompt: z.boolean().optional().describe('Enrich the prompt with the Prompt Enhancement Engine (translation into the model\'s language runs either way)'),
    })
    .optional(),
})

export type CreateTaskBody = z.output<typeof CreateTaskBody>

export const QueryTaskQuery = z.object({ taskId: z.string().min(1).max(100) })

/** Seed 002's error body: `error` is a readable string, as in a FAILED task. */
export const JobsErrorSchema = z.object({ error: z.string(), code: z.string(), status: z.number().int(), requestId: z.string(), field: z.string().optional() })

/** The Query Task response (also the callback payload). */
export const JobsTaskSchema = z.object({
  taskId: z.string().describe('task_…'),
  model: z.string(),
  status: z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED']),
  creditsUsed: z.number().int(),
  output: z.array(z.object({ url: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable() })),
  error: z.string().nullable(),
  createTime: z.number().int().describe('Milliseconds since the epoch'),
  completeTime: z.number().int().nullable(),
})
export type JobsTask = z.output<typeof JobsTaskSchema>
