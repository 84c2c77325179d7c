import { MODELS } from '../catalog/models.js'
import type { PriceBook } from '../catalog/prices.js'

/**
 * The catalog as `GET /v1/models` shows it: OpenAI's list shape (`object`, `id`, `owned_by`)
 * carrying our parameters, limits and prices, so both kinds of client can read it.
 */
export function catalogList(prices: PriceBook, created: number) {
  return {
    object: 'list' as const,
    data: MODELS.map((m) => {
      const common = {
        id: m.id,
        object: 'model' as const,
        created: Math.floor(created / 1000),
        owned_by: 'reelay',
        type: m.type,
        name: m.name,
        description: m.description,
        aliases: m.aliases,
        prompt: m.prompt,
      }
      if (m.type === 'video') {
        return {
          ...common,
          durations: m.durations,
          /** -1 is accepted: the model picks the length (the hold covers the longest). */
          autoDuration: m.autoDuration,
          seed: m.seed,
          resolutions: m.resolutions,
          aspectRatios: m.aspectRatios,
          audio: m.audio,
          frames: m.frames,
          references: m.references,
          upscale: m.upscale ? ['2k', '4k'] : [],
          pricing: {
            creditsPerSecond: Object.fromEntries(m.resolutions.map((r) => [r, (prices.video.perSecond[m.id] ?? 0) * (prices.video.resolutionMultiplier[r] ?? 1)])),
            upscaleCreditsPerSecond: m.upscale ? prices.video.upscalePerSecond : {},
            videoReferenceMultiplier: prices.video.videoReferenceMultiplier,
          },
        }
      }
      return {
        ...common,
        resolutions: m.resolutions,
        aspectRatios: m.aspectRatios,
        qualities: m.qualities,
        formats: m.formats,
        batch: m.batch,
        maxReferenceImages: m.maxReferenceImages,
        tiers: m.tiers,
        pricing: {
          baseCredits: prices.image.base[m.id] ?? 0,
          qualityMultiplier: prices.image.qualityMultiplier,
          tierMultiplier: prices.image.tierMultiplier,
          resolutionMultiplier: prices.image.resolutionMultiplier,
        },
      }
    }),
  }
}
