import { z } from 'zod'

/**
 * Request bodies of seed 001/003 (`/api/v1/video/seedance`, `/api/v1/image/*`). Enums and
 * required fields that exist only in this API live here; ranges that the catalog already knows
 * (prompt length, duration, seed, batch and reference counts) are checked there, so the
 * messages match every other dialect. Objects are strict: the 001 table says an unsupported
 * field is an `invalid_request`.
 */

const url = z.string().max(4096).describe('public https URL')

export const VIDEO_MODES = ['text-to-video', 'image-to-video', 'media-to-video'] as const
export const VIDEO_CHANNELS = ['standard', 'real', 'wild'] as const
export const VIDEO_RATIOS = ['1:1', '21:9', '4:3', '3:4', '16:9', '9:16'] as const
export const VIDEO_RESOLUTIONS = ['720p', '1080p'] as const
export const QUALITY_TIERS = ['standard', 'pro', 'mini'] as const

export const IMAGE_TYPES = ['text-to-image', 'image-to-image'] as const
export const IMAGE_RESOLUTIONS = ['1K', '2K', '4K'] as const
export const GPT_IMAGE_CHANNELS = ['standard', 'economy'] as const
export const GPT_IMAGE_RATIOS = ['auto', '1:1', '5:4', '9:16', '21:9', '16:9', '4:3', '3:2', '4:5', '3:4', '2:3', '2:1', '1:2', '3:1', '1:3', '9:21'] as const
export const NANO_BANANA_RATIOS = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9', 'auto'] as const
export const NANO_BANANA_FORMATS = ['png', 'jpeg'] as const

const seconds = (rule: string) =>
  z.union([z.string(), z.number()], { error: `must be seconds as a string or a number, ${rule}` }).optional().describe(`Seconds as a string or a number, ${rule}`)

/** The fields Seedance 2.0 and 2.5 share. */
const seedanceFields = {
  mode: z.enum(VIDEO_MODES).optional().describe('Generation mode (default text-to-video)'),
  channel: z.enum(VIDEO_CHANNELS).optional().describe('Rendering channel (default standard)'),
  prompt: z.string().describe('3–10000 characters'),
  aspect_ratio: z.enum(VIDEO_RATIOS).optional().describe('Default 16:9'),
  resolution: z.enum(VIDEO_RESOLUTIONS).optional().describe('Default 720p'),
  image_url: url.optional().describe('Start frame; required for image-to-video'),
  end_image_url: url.optional().describe('Optional end frame (image-to-video)'),
  media_urls: z.array(url).max(12).optional().describe('≤ 12 URLs, required for media-to-video'),
  generate_audio: z.boolean().optional().describe('Default true'),
  fixed_lens: z.boolean().optional().describe('Lock the camera lens (default false)'),
}

/** `POST /api/v1/video/seedance` (documented) and `/api/v1/video/seedance2` (the live path). */
export const SeedanceBody = z.strictObject({
  ...seedanceFields,
  quality_tier: z.enum(QUALITY_TIERS).optional().describe('Quality tier (default standard; mini is Seedance 2.0 Mini)'),
  duration: seconds('"4" to "15" (default "5")'),
  seed: z.number().optional().describe('-1 – 4294967295; not supported on the real channel'),
})
export type SeedanceBody = z.output<typeof SeedanceBody>

/** `POST /api/v1/video/seedance25`: Seedance 2.5 takes no `quality_tier` and no `seed`. */
const notOn25 = z.any().refine((v) => v === undefined, { error: 'is not supported by Seedance 2.5' }).optional()
export const Seedance25Body = z.strictObject({
  ...seedanceFields,
  quality_tier: notOn25.describe('Not accepted: Seedance 2.5 has one tier'),
  seed: notOn25.describe('Not accepted by Seedance 2.5'),
  duration: seconds('"4" to "30", or "-1" to let the model pick (default "5")'),
})
export type Seedance25Body = z.output<typeof Seedance25Body>

/** `POST /api/v1/image/gpt-image-2`. */
export const GptImageBody = z.strictObject({
  type: z.enum(IMAGE_TYPES),
  channel: z.enum(GPT_IMAGE_CHANNELS).optional().describe('Default standard; economy is lower-cost with polling-based delivery'),
  prompt: z.string().describe('3–20000 characters'),
  resolution: z.enum(IMAGE_RESOLUTIONS).describe('auto only supports 1K; 1:1 cannot use 4K on the standard channel'),
  aspectRatio: z.enum(GPT_IMAGE_RATIOS),
  batchCount: z.number().optional().describe('Number of images, 1–4 (default 1)'),
  imageUrls: z.array(url).optional().describe('1–10 URLs, required for image-to-image'),
})
export type GptImageBody = z.output<typeof GptImageBody>

/** `POST /api/v1/image/nano-banana-pro`. */
export const NanoBananaBody = z.strictObject({
  type: z.enum(IMAGE_TYPES),
  prompt: z.string().describe('3–10000 characters'),
  image_size: z.enum(NANO_BANANA_RATIOS).optional().describe('Aspect ratio (default auto)'),
  output_format: z.enum(NANO_BANANA_FORMATS).optional().describe('Default png'),
  resolution: z.enum(IMAGE_RESOLUTIONS).optional().describe('Default 1K'),
  image_urls: z.array(url).optional().describe('1–8 URLs, required for image-to-image'),
})
export type NanoBananaBody = z.output<typeof NanoBananaBody>

export const TaskIdParams = z.object({ id: z.string().min(1).max(100) })

const creditsFigures = { required_credits: z.number().int().optional(), available_credits: z.number().int().optional() }

/** The 001 error body; a 402 also says what was needed and what there was, at the top and in `error`. */
export const TasksErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), field: z.string().optional(), ...creditsFigures }),
  ...creditsFigures,
})

/** The 001 task: `{id, status, model, output, credits_used, credits_refunded}`, plus `error` once failed. */
export const TaskSchema = z.object({
  id: z.string().describe('sd2_…'),
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  model: z.string(),
  output: z
    .union([
      z.object({ video_url: z.string() }),
      z.object({ images: z.array(z.object({ url: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable() })), image_urls: z.array(z.string()) }),
    ])
    .nullable()
    .describe('Set once completed'),
  credits_used: z.number().int(),
  credits_refunded: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})
export type Task = z.output<typeof TaskSchema>
