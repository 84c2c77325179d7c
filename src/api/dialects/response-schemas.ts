import { z } from 'zod'

/**
 * Response pieces more than one dialect shows. Each dialect's own shapes live beside its
 * routes; these are the job service's words (statuses, types, errors) as every API prints them.
 */

export const JobStatusSchema = z.enum(['queued', 'processing', 'succeeded', 'failed', 'cancelled'])
export const JobTypeSchema = z.enum(['image', 'video'])
export const IsoTime = z.string().describe('ISO 8601 time')
export const NullableIsoTime = IsoTime.nullable()
export const Credits = z.number().int().describe('Whole credits')

/** A failed job's reason: a code from the job error table and a message safe to show. */
export const JobErrorSchema = z.object({ code: z.string(), message: z.string() })

/** The model catalog (`GET /v1/models`): OpenAI's list shape carrying our parameters, limits and prices. */
export const CatalogEntrySchema = z.looseObject({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  type: JobTypeSchema,
  name: z.string(),
  description: z.string(),
  aliases: z.array(z.string()),
  prompt: z.object({ min: z.number().int(), max: z.number().int() }),
  resolutions: z.array(z.string()),
  aspectRatios: z.array(z.string()),
  pricing: z.record(z.string(), z.unknown()),
})
export const CatalogListSchema = z.object({ object: z.literal('list'), data: z.array(CatalogEntrySchema) })

/** One webhook delivery with its attempts (the delivery log). */
export const DeliveryViewSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  event: z.string(),
  url: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: NullableIsoTime,
  deliveredAt: NullableIsoTime,
  log: z.array(
    z.object({
      attempt: z.number().int(),
      at: IsoTime,
      httpStatus: z.number().int().nullable(),
      latencyMs: z.number(),
      error: z.string().nullable(),
      response: z.string().nullable(),
    }),
  ),
})
