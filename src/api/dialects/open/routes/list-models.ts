import { z } from 'zod'
import { MODELS, type VideoModel } from '../../../../catalog/models.js'
import { catalogList } from '../../../catalog-view.js'
import { defineRoute } from '../../../route.js'
import { OPEN_ASPECT_RATIOS } from '../schemas.js'
import { D } from './create-generation.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export const ListOpenModelsResponse = z.object({
  success: z.literal(true),
  data: z.array(
    z.object({
      id: z.string(),
      type: z.literal('video_generation'),
      mode: z.enum(['text_to_video', 'image_to_video']),
      modes: z.array(z.enum(['text_to_video', 'image_to_video', 'reference_to_video'])),
      name: z.string(),
      description: z.string(),
      durations: z.array(z.number().int()),
      aspectRatios: z.array(z.string()),
      resolutions: z.array(z.string()),
      usdPerSecond: z.record(z.string(), z.number()),
    }),
  ),
})
export type ListOpenModelsResponse = z.output<typeof ListOpenModelsResponse>

/** USD shown to 6 decimals, so 20 credits × 0.0025 reads 0.05 and not 0.05000000000000001. */
const usd = (x: number) => Math.round(x * 1e6) / 1e6

/** `GET /api/open/v1/models` (public). */
export function registerListOpenModels(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/v1/models',
    dialect: D,
    operationId: 'listOpenModels',
    summary: 'Video models with durations, aspect ratios, resolutions and USD per second (public)',
    public: true,
    responses: { 200: { description: 'The video models', schema: ListOpenModelsResponse } },
    async handler(): Promise<ListOpenModelsResponse> {
      const perSecond = new Map<string, Record<string, number>>()
      for (const entry of catalogList(deps.prices, 0).data) {
        if ('creditsPerSecond' in entry.pricing) perSecond.set(entry.id, entry.pricing.creditsPerSecond ?? {})
      }
      const rate = deps.config.REELAY_CREDIT_USD
      const video = MODELS.filter((m): m is VideoModel => m.type === 'video')
      return {
        success: true,
        data: video.map((m) => {
          const credits = perSecond.get(m.id) ?? {}
          const hasRefs = m.references.total > 0
          return {
            id: m.id,
            type: 'video_generation' as const,
            mode: m.frames || hasRefs ? ('image_to_video' as const) : ('text_to_video' as const),
            modes: ['text_to_video' as const, ...(m.frames ? ['image_to_video' as const] : []), ...(hasRefs ? ['reference_to_video' as const] : [])],
            name: m.name,
            description: m.description,
            durations: m.durations,
            aspectRatios: OPEN_ASPECT_RATIOS.filter((r) => m.aspectRatios.includes(r)),
            resolutions: m.resolutions,
            usdPerSecond: Object.fromEntries(m.resolutions.map((r) => [r, usd((credits[r] ?? 0) * rate)])),
          }
        }),
      }
    },
  })
}
