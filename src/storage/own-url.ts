import { verifyFileUrl } from './url-signing.js'

/**
 * Recognises this deployment's own signed file links (`<publicUrl>/files/<key>?expires&signature`),
 * e.g. uploaded edit images, so they are read from storage rather than fetched over the network.
 * Returns the key of a valid, unexpired link, else null.
 */
export function ownFileKey(opts: { publicUrl: string; secret: string; nowSec: () => number }): (url: string) => string | null {
  const prefix = `${opts.publicUrl}/files/`
  return (raw) => {
    if (!raw.startsWith(prefix)) return null
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return null
    }
    const key = decodeURIComponent(url.pathname.slice(new URL(prefix).pathname.length))
    const expires = Number(url.searchParams.get('expires'))
    const signature = url.searchParams.get('signature') ?? ''
    if (key.split('/').includes('..')) return null
    return signature && verifyFileUrl(opts.secret, key, expires, signature, opts.nowSec()) ? key : null
  }
}
