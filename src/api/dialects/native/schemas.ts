import { z } from 'zod'
import { Credits, JobErrorSchema, JobStatusSchema, JobTypeSchema, NullableIsoTime } from '../response-schemas.js'

const url = z.string().max(4096)

/** `POST /v1/images/generate` (000 fields, plus optional canonical extras). */
export const ImageGenerateBody = z.object({
  prompt: z.string(),
  model: z.string().optional(),
  quality: z.string().optional().describe('LOW, MEDIUM or HIGH'),
  size: z.string().optional().describe('Aspect ratio and size class, e.g. 1:1_SMALL (1K), 16:9_MEDIUM (2K), 9:16_LARGE (4K)'),
  referenceImage: url.optional(),
  referenceImages: z.array(url).optional(),
  n: z.number().int().optional(),
  resolution: z.string().optional(),
  aspectRatio: z.string().optional(),
  format: z.string().optional().describe('png or jpeg'),
  seed: z.number().int().optional(),
  webhookUrl: url.optional().describe('Per-request webhook; wins over the key default'),
  enhancePrompt: z.boolean().optional().describe('true: translate and enhance the prompt; false: translate only'),
  promptMode: z.string().optional().describe('raw, translate or enhance; wins over enhancePrompt'),
  region: z.string().optional().describe("Region to run in (GET /v1/regions); default: the account's, else the node's"),
})

/** `POST /v1/videos/generate` (000 fields, plus optional canonical extras). */
export const VideoGenerateBody = z.object({
  prompt: z.string(),
  model: z.string().optional(),
  size: z.string().optional().describe('Aspect ratio and size class, e.g. 16:9_SMALL (480p), 16:9_MEDIUM (720p), 16:9_LARGE (1080p)'),
  duration: z.number().optional().describe('Seconds'),
  motionHasAudio: z.boolean().optional(),
  referenceImage: url.optional().describe('First frame'),
  endImage: url.optional().describe('Last frame'),
  referenceImages: z.array(url).optional(),
  referenceVideos: z.array(url).optional(),
  referenceAudios: z.array(url).optional(),
  resolution: z.string().optional(),
  aspectRatio: z.string().optional(),
  seed: z.number().int().optional(),
  cameraFixed: z.boolean().optional(),
  webhookUrl: url.optional(),
  enhancePrompt: z.boolean().optional().describe('true: translate and enhance the prompt; false: translate only'),
  promptMode: z.string().optional().describe('raw, translate or enhance; wins over enhancePrompt'),
  region: z.string().optional().describe("Region to run in (GET /v1/regions); default: the account's, else the node's"),
})

export const JobIdParams = z.object({ jobId: z.string().min(1).max(100) })

export const ListJobsQuery = z.object({
  status: z.enum(['queued', 'processing', 'succeeded', 'failed', 'cancelled']).optional(),
  type: z.enum(['image', 'video']).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(100).optional(),
})

/** The error body of seed 000: `{ok: false, error: {code, message, requestId, field?}}`. */
export const NativeErrorSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), field: z.string().optional() }),
})

/** What every native job answer starts with. */
const jobHead = { ok: z.literal(true), jobId: z.string(), status: JobStatusSchema, type: JobTypeSchema, model: z.string() }

/** A job as `GET /v1/jobs/:jobId` shows it. */
export const NativeJobSchema = z.object({
  ...jobHead,
  progress: z.number(),
  chargedCredits: Credits,
  createdAt: NullableIsoTime,
  startedAt: NullableIsoTime,
  completedAt: NullableIsoTime,
  error: JobErrorSchema.nullable(),
  promptPipeline: z.string().optional().describe('What the prompt pipeline did (raw, translated, enhanced, skipped)'),
  prompt: z
    .object({
      mode: z.string(),
      original: z.string(),
      detectedLanguage: z.string().nullable(),
      targetLanguage: z.string().nullable(),
      translated: z.string().nullable(),
      enhanced: z.string().nullable(),
      latencyMs: z.number().nullable(),
    })
    .optional(),
})
export type NativeJob = z.output<typeof NativeJobSchema>

/** The answer to a generate request (also an idempotent replay's). */
export const SubmittedSchema = z.object({
  ...jobHead,
  chargedCredits: Credits,
  idempotentReplay: z.boolean(),
})
export type Submitted = z.output<typeof SubmittedSchema>

/** `GET /v1/jobs/:jobId/result` once the job finished. */
export const NativeResultSchema = z.object({
  ...jobHead,
  outputs: z.array(
    z.object({
      url: z.string().describe('Signed link, valid for REELAY_RESULT_URL_TTL_SECONDS'),
      mimeType: z.string(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      duration: z.number().nullable().describe('Seconds (video)'),
      size: z.number().int().describe('Bytes'),
    }),
  ),
  error: JobErrorSchema.nullable(),
})

/** `GET /v1/jobs/:jobId/result` while the job runs. */
export const NativeNotReadySchema = z.object({ ok: z.literal(true), jobId: z.string(), status: JobStatusSchema, progress: z.number(), ready: z.literal(false) })
