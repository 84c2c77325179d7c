import { safeFetch } from '../net/safe-fetch.js'
import type { UrlPolicy } from '../net/url-policy.js'
import type { FetchReference, ReferenceBytes } from './provider.js'

/**
 * The worker's `fetchReference` for adapters that upload references: a link to this server's
 * own stored file (a job's inputs) is read from storage; anything else goes through the SSRF
 * guard, images only, 50 MB at most.
 */
export function createFetchReference(opts: { policy: UrlPolicy; readOwn?: (url: string) => Promise<ReferenceBytes | null> }): FetchReference {
  return async (url) => {
    const own = await opts.readOwn?.(url)
    if (own) return own
    const res = await safeFetch(url, { policy: opts.policy, timeoutMs: 30_000, maxBytes: 50 * 1024 * 1024, followRedirects: 3, acceptMime: ['image/'] })
    if (res.status < 200 || res.status > 299) throw new Error(`reference answered HTTP ${res.status}`)
    const type = res.headers['content-type']
    return { bytes: res.body, mime: (Array.isArray(type) ? type[0] : type)?.split(';')[0]?.trim() ?? '' }
  }
}
