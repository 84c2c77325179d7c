import type { CanonicalParams, JobType, VideoParams } from '../../domain/params.js'
import type { ProviderInput } from '../../providers/provider.js'
import type { Storage } from '../../storage/storage.js'
import type { JobInput } from './job-inputs.js'
import { readStored } from '../../storage/read-all.js'

/** A job's stored inputs as a provider gets them: a signed link each, and their bytes on demand. */
export function providerInputs(inputs: JobInput[], storage: Storage, expiresAtSec: number): ProviderInput[] {
  return inputs.map((i) => ({
    ...i,
    url: storage.url(i.key, expiresAtSec),
    async read() {
      const bytes = await readStored(storage, i.key)
      if (!Buffer.isBuffer(bytes)) throw new Error(`stored input ${i.key} is missing`)
      return bytes
    },
  }))
}

/**
 * The parameters with every reference URL replaced by the signed link to its stored copy, so
 * an upstream never receives (or fetches) the customer's original URL.
 */
export function withStoredUrls(type: JobType, params: CanonicalParams, inputs: ProviderInput[]): CanonicalParams {
  if (inputs.length === 0) return params
  const at = (slot: string, index: number, fallback: string) => inputs.find((i) => i.slot === slot && i.index === index)?.url ?? fallback
  const list = (slot: string, urls: string[]) => urls.map((u, i) => at(slot, i, u))
  if (type === 'video') {
    const p = params as VideoParams
    return {
      ...p,
      ...(p.firstFrameUrl ? { firstFrameUrl: at('firstFrameUrl', 0, p.firstFrameUrl) } : {}),
      ...(p.lastFrameUrl ? { lastFrameUrl: at('lastFrameUrl', 0, p.lastFrameUrl) } : {}),
      referenceImageUrls: list('referenceImageUrls', p.referenceImageUrls),
      referenceVideoUrls: list('referenceVideoUrls', p.referenceVideoUrls),
      referenceAudioUrls: list('referenceAudioUrls', p.referenceAudioUrls),
    }
  }
  return { ...params, referenceImageUrls: list('referenceImageUrls', params.referenceImageUrls) }
}
