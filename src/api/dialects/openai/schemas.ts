import { z } from 'zod'

/**
 * Multipart forms carry every value as text: `"2"` for `n`, `"true"` for `stream`. These turn
 * such text into the JSON type so one schema serves JSON and multipart bodies alike.
 */
const fromNumericText = (v: unknown) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v)
const fromBooleanText = (v: unknown) => (v === 'true' ? true : v === 'false' ? false : v)

const int = (min: number, max: number) => z.preprocess(fromNumericText, z.number().int().min(min).max(max))
const bool = z.preprocess(fromBooleanText, z.boolean())

/** The OpenAI image quality names; mapped onto LOW / MEDIUM / HIGH (`auto` = the catalog default). */
export const ImageQuality = z.enum(['low', 'medium', 'high', 'auto'])

const imageCommon = {
  prompt: z.string().describe('What to draw; 3–20000 characters for gpt-image-2'),
  model: z.string().max(200).nullish().describe('gpt-image-2 (default); any gpt-image-* / chatgpt-image-* name means gpt-image-2; nano-banana-pro; or a catalog alias'),
  // n is checked against the model's batch range by the catalog, so only its type is checked here.
  n: z.preprocess(fromNumericText, z.number().int()).nullish().describe('Images to make: 1–4'),
  size: z.string().max(20).nullish().describe('auto, 1024x1024, 1536x1024, 1024x1536 or any WIDTHxHEIGHT (multiples of 16, ratio ≤ 3:1, edge ≤ 3840)'),
  quality: ImageQuality.nullish().describe('low, medium, high or auto'),
  output_format: z.string().max(10).nullish().describe('png (default) or jpeg'),
  output_compression: int(0, 100).nullish().describe('Accepted and ignored'),
  response_format: z.enum(['b64_json', 'url']).nullish().describe('b64_json (default) or url (a signed link)'),
  background: z.enum(['transparent', 'opaque', 'auto']).nullish().describe('opaque or auto; transparent is not supported'),
  moderation: z.enum(['low', 'auto']).nullish().describe('Accepted and ignored'),
  stream: bool.nullish().describe('Must be false or absent: streaming is not supported'),
  partial_images: int(0, 3).nullish().describe('Accepted and ignored (streaming only)'),
  user: z.string().max(256).nullish().describe('Accepted and ignored'),
}

/** `POST /v1/images/generations` (JSON). */
export const ImageGenerationBody = z.object({
  ...imageCommon,
  style: z.enum(['vivid', 'natural']).nullish().describe('dall-e-3 only; accepted and ignored'),
})

const ImageRef = z.object({
  image_url: z.string().max(4096).optional(),
  file_id: z.string().max(200).optional(),
})

/**
 * `POST /v1/images/edits`: multipart with `image` / `image[]` file parts (and these text fields),
 * or JSON with `images: [{image_url}]`.
 */
export const ImageEditBody = z.object({
  ...imageCommon,
  images: z.array(ImageRef).max(16).nullish().describe('JSON form: reference images as {image_url}'),
  input_fidelity: z.enum(['high', 'low']).nullish().describe('Accepted and ignored'),
})

/** `POST /v1/videos`: multipart as the SDK sends it, or JSON. */
export const VideoCreateBody = z.object({
  prompt: z.string().describe('What to film; 3–10000 characters'),
  model: z.string().max(200).nullish().describe('sora-2* → seedance-2.0-fast (default); sora-2-pro* → seedance-2.0; or a catalog id / alias'),
  seconds: z.union([z.string().max(10), z.number()]).nullish().describe('"4" (default), "8", "12", or any whole number of seconds the model allows (4–15)'),
  size: z.string().max(20).nullish().describe('720x1280 (default), 1280x720, 1024x1792, 1792x1024, or any WIDTHxHEIGHT'),
  input_reference: z
    .union([z.string().max(4096), ImageRef])
    .nullish()
    .describe('First frame: an uploaded file (multipart), {image_url} (a URL or data: URL), or a URL string'),
})

export const VideoIdParams = z.object({ video_id: z.string().min(1).max(100) })

export const VideoContentQuery = z.object({
  variant: z.enum(['video', 'thumbnail', 'spritesheet']).optional(),
})

export const VideoListQuery = z.object({
  after: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  order: z.enum(['asc', 'desc']).optional(),
})

/** OpenAI's error body. */
export const OpenAIErrorSchema = z.object({ error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }) })

/** OpenAI's video object (`id` in the `video_…` form). */
export const VideoObjectSchema = z.object({
  id: z.string(),
  object: z.literal('video'),
  model: z.string(),
  status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
  progress: z.number(),
  created_at: z.number().int(),
  completed_at: z.number().int().nullable(),
  expires_at: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  prompt: z.string(),
  seconds: z.string(),
  size: z.string(),
  remixed_from_video_id: z.string().nullable(),
})

/** What `images.generate` and `images.edit` answer: the images inline (`b64_json`) or as signed links (`url`). */
export const ImagesResponseSchema = z.object({
  created: z.number().int(),
  data: z.array(z.union([z.object({ b64_json: z.string() }), z.object({ url: z.string() })])),
  background: z.string(),
  output_format: z.string(),
  quality: z.string(),
  size: z.string(),
  usage: z.object({
    input_tokens: z.number().int(),
    input_tokens_details: z.object({ image_tokens: z.number().int(), text_tokens: z.number().int() }),
    output_tokens: z.number().int(),
    total_tokens: z.number().int(),
  }),
})
