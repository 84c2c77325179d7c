import { ProviderError, type ProviderContext } from '../provider.js'
import { loadReferences, type ImageBytes } from '../reference-images.js'

// Inline data shares the request's 20 MB cap; larger inputs would need the Files API.
const MAX_INLINE_BYTES = 20 * 1024 * 1024

/** Loads the references and checks that, base64-inlined, they fit in one request. */
export async function loadInlineReferences(urls: readonly string[], ctx: ProviderContext): Promise<ImageBytes[]> {
  const images = await loadReferences(urls, ctx)
  const inline = images.reduce((sum, img) => sum + Math.ceil(img.bytes.byteLength / 3) * 4, 0)
  if (inline > MAX_INLINE_BYTES) throw new ProviderError('invalid_input', `references take ${inline} bytes inline, over 20 MB`)
  return images
}
