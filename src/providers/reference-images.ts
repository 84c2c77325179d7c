import { providerError } from './image-http.js'
import { ProviderError, type ProviderContext, type ReferenceBytes } from './provider.js'

export type ImageBytes = ReferenceBytes

/** Recognises PNG, JPEG and WebP by their magic bytes. */
export function sniffImageMime(b: Uint8Array): string | undefined {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to))
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  return undefined
}

/**
 * Loads every reference image through the context's guarded fetcher. `maxEachMb` rejects any
 * larger image.
 */
export async function loadReferences(urls: readonly string[], ctx: ProviderContext, limits: { maxEachMb?: number } = {}): Promise<ImageBytes[]> {
  const fetchOne = ctx.fetchReference
  if (urls.length > 0 && !fetchOne) throw providerError('config', 'service_unavailable', 'no reference fetcher in the provider context')
  return Promise.all(
    urls.map(async (url, i) => {
      let got: ImageBytes
      try {
        got = await fetchOne!(url)
      } catch (err) {
        if (err instanceof ProviderError) throw err
        throw providerError('user', 'reference_unavailable', `reference ${i}: ${String((err as Error)?.message ?? err)}`, { cause: err })
      }
      const { maxEachMb } = limits
      if (maxEachMb !== undefined && got.bytes.byteLength > maxEachMb * 1024 * 1024) throw providerError('user', 'reference_unavailable', `reference ${i}: larger than ${maxEachMb} MB`)
      const mime = sniffImageMime(got.bytes) ?? (['image/png', 'image/jpeg', 'image/webp'].includes(got.mime) ? got.mime : undefined)
      if (!mime) throw providerError('user', 'reference_unavailable', `reference ${i}: not a PNG, JPEG or WebP image`)
      return { bytes: got.bytes, mime }
    }),
  )
}
