import { imageMimeOf } from '../media/mime.js'
import { ProviderError, type ProviderContext, type ReferenceBytes } from './provider.js'

export type ImageBytes = ReferenceBytes

/** The image types every upstream that takes reference images accepts. */
const UPLOADABLE = ['image/png', 'image/jpeg', 'image/webp']

/**
 * Loads every reference image through the context's guarded fetcher. `maxEachMb` rejects any
 * larger image.
 */
export async function loadReferences(urls: readonly string[], ctx: ProviderContext, limits: { maxEachMb?: number } = {}): Promise<ImageBytes[]> {
  const fetchOne = ctx.fetchReference
  if (urls.length > 0 && !fetchOne) throw new ProviderError('misconfigured', 'no reference fetcher in the provider context')
  return Promise.all(
    urls.map(async (url, i) => {
      let got: ImageBytes
      try {
        got = await fetchOne!(url)
      } catch (err) {
        if (err instanceof ProviderError) throw err
        throw new ProviderError('reference_unavailable', `reference ${i}: ${String((err as Error)?.message ?? err)}`, { cause: err })
      }
      const { maxEachMb } = limits
      if (maxEachMb !== undefined && got.bytes.byteLength > maxEachMb * 1024 * 1024) throw new ProviderError('reference_unavailable', `reference ${i}: larger than ${maxEachMb} MB`)
      // Read from the bytes; the declared type only stands in when they are not a known image.
      const sniffed = await imageMimeOf(got.bytes)
      const mime = sniffed && UPLOADABLE.includes(sniffed) ? sniffed : !sniffed && UPLOADABLE.includes(got.mime) ? got.mime : undefined
      if (!mime) throw new ProviderError('reference_unavailable', `reference ${i}: not a PNG, JPEG or WebP image`)
      return { bytes: got.bytes, mime }
    }),
  )
}
