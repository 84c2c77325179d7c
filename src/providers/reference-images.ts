import { providerError, send } from './image-http.js'
import { ProviderError, type ProviderContext } from './provider.js'

export interface ImageBytes {
  bytes: Uint8Array
  mime: string
}

/** The operator's fetcher (SSRF guard, caching), injected as `channel.options.fetchBytes`. */
export type FetchBytes = (url: string) => Promise<ImageBytes>

/** Recognises PNG, JPEG and WebP by their magic bytes. */
export function sniffImageMime(b: Uint8Array): string | undefined {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to))
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  return undefined
}

async function defaultFetch(url: string, ctx: ProviderContext, defaultMaxBytes: number): Promise<ImageBytes> {
  if (!/^https?:\/\//i.test(url)) throw new Error('only http(s) references are fetched')
  // A failed reference fetch bills nothing upstream, so it is the customer's input problem.
  const res = await send(ctx, url, { method: 'GET', headers: { accept: 'image/*' } }, defaultMaxBytes).catch((err: ProviderError) => {
    throw new Error(err.detail ?? err.message)
  })
  if (res.status < 200 || res.status > 299) throw new Error(`reference answered HTTP ${res.status}`)
  return { bytes: res.bytes, mime: res.headers['content-type']?.split(';')[0]?.trim() ?? '' }
}

/**
 * Loads every reference image. Without an injected fetcher this is a plain GET with no SSRF
 * guard, so deployments should inject one. `defaultMaxBytes` is the adapter's response cap;
 * `maxEachMb` rejects any larger image.
 */
export async function loadReferences(urls: readonly string[], ctx: ProviderContext, limits: { defaultMaxBytes: number; maxEachMb?: number }): Promise<ImageBytes[]> {
  const injected = ctx.channel.options.fetchBytes
  const fetchOne = typeof injected === 'function' ? (injected as FetchBytes) : (u: string) => defaultFetch(u, ctx, limits.defaultMaxBytes)
  return Promise.all(
    urls.map(async (url, i) => {
      let got: ImageBytes
      try {
        got = await fetchOne(url)
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
