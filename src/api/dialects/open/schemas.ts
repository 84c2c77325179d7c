import { z } from 'zod'
import { JobErrorSchema, JobStatusSchema, JobTypeSchema, NullableIsoTime } from '../response-schemas.js'

const url = z.string().max(4096)

/** Seed 004 lists only these aspect ratios. */
export const OPEN_ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const

/** Seed 004 names `seedance-2.0` first ("Highest quality"); it is this API's default. */
export const OPEN_DEFAULT_MODEL = 'seedance-2.0'

/** `POST /api/open/v1/video/generations`. Unknown fields are refused (see `unknownField`). */
export const GenerationBody = z.object({
  model: z.string().max(100).optional().describe('seedance-2.0 (default), seedance-2.0-fast or seedance-1.5-pro'),
  prompt: z.string().optional().describe('3–10000 characters; optional when an image is given'),
  duration: z.number().optional().describe('Seconds: 4–15 (seedance-1.5-pro: 5 or 10); default 5'),
  aspectRatio: z.enum(OPEN_ASPECT_RATIOS).optional().describe('16:9 (default), 9:16 or 1:1'),
  resolution: z.enum(['480p', '720p', '1080p']).optional().describe('480p, 720p (default) or 1080p'),
  imageUrl: url.optional().describe('First frame (image-to-video)'),
  endImageUrl: url.optional().describe('Last frame; needs imageUrl'),
  referenceImageUrls: z.array(url).optional().describe('Reference images (max 9); not combined with imageUrl'),
  referenceVideoUrls: z.array(url).optional().describe('Reference videos (max 3, each ≤15 s)'),
  referenceAudioUrls: z.array(url).optional().describe('Reference audio (max 3, each ≤15 s); needs a reference image or video'),
  generateAudio: z.boolean().optional().describe('Generate a soundtrack (default true)'),
  seed: z.number().optional().describe('-1 (random, default) to 4294967295'),
  cameraFixed: z.boolean().optional().describe('Keep the camera still (default false)'),
  webhookUrl: url.optional().describe('Receives the completion payload; overrides the key default'),
})

export type GenerationBody = z.output<typeof GenerationBody>

export const RequestIdParams = z.object({ requestId: z.string().min(1).max(100) })

const KNOWN = new Set(Object.keys(GenerationBody.shape))
const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
const HINTS: Record<string, string> = { image: 'imageUrl', firstFrameUrl: 'imageUrl', lastFrameUrl: 'endImageUrl', endImage: 'endImageUrl', callbackUrl: 'webhookUrl', callBackUrl: 'webhookUrl' }

/** The first field of `raw` this API does not have, with a suggestion when one is obvious. */
export function unknownField(raw: unknown): { field: string; suggestion: string | undefined } | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null
  for (const key of Object.keys(raw)) {
    if (KNOWN.has(key)) continue
    const c = camel(key)
    return { field: key, suggestion: KNOWN.has(c) ? c : HINTS[key] ?? HINTS[c] }
  }
  return null
}

/** Seed 004's error body; the request id travels in the `x-request-id` header. */
export const OpenErrorSchema = z.object({ success: z.literal(false), error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })

/** A generation as seed 004 shows it; `output` is set once it succeeded. */
export const GenerationSchema = z.object({
  success: z.literal(true),
  requestId: z.string().describe('req_…'),
  model: z.string(),
  status: JobStatusSchema,
  progress: z.number(),
  output: z
    .object({ type: JobTypeSchema, url: z.string(), mimeType: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable(), duration: z.number().nullable() })
    .nullable(),
  error: JobErrorSchema.nullable(),
  creditsCharged: z.number().int(),
  createdAt: NullableIsoTime,
  startedAt: NullableIsoTime,
  completedAt: NullableIsoTime,
})
export type Generation = z.output<typeof GenerationSchema>
