import { createArkProvider } from './ark/index.js'
import { createFalProvider } from './fal/index.js'
import { createGeminiProvider } from './gemini/index.js'
import { createOpenAiProvider } from './openai/index.js'
import { createReplicateProvider } from './replicate/index.js'
import { createChannelRouter } from './router.js'
import { safeFetch } from '../net/safe-fetch.js'
import type { UrlPolicy } from '../net/url-policy.js'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { ChannelSpec } from './channels.js'
import type { Provider } from './provider.js'
import type { Router } from './registry.js'
import { countActiveOnChannel } from '../store/jobs/index.js'

/** The router the worker uses: configured channels, with `studio` serving every model they do not. */
export function createRouter(opts: {
  channels: ChannelSpec[]
  studio: Provider
  store: Store
  clock: Clock
  urlPolicy: UrlPolicy
  /** Reads a link to this deployment's own stored file (a job's inputs); null for any other URL. */
  readOwn?: (url: string) => Promise<{ bytes: Uint8Array; mime: string } | null>
}): Router {
  // Adapters that upload reference images fetch them through the SSRF guard, never a plain GET.
  const fetchBytes = async (url: string) => {
    const own = await opts.readOwn?.(url)
    if (own) return own
    const res = await safeFetch(url, { policy: opts.urlPolicy, timeoutMs: 30_000, maxBytes: 50 * 1024 * 1024, followRedirects: 3, acceptMime: ['image/'] })
    if (res.status < 200 || res.status > 299) throw new Error(`reference answered HTTP ${res.status}`)
    const type = res.headers['content-type']
    return { bytes: res.body, mime: (Array.isArray(type) ? type[0] : type)?.split(';')[0]?.trim() ?? '' }
  }
  const studioRoute = { provider: opts.studio, channel: { id: 'studio', provider: 'studio', baseUrl: 'local', apiKey: '', models: {}, options: {} } }
  const providers: Record<string, Provider> = {
    studio: opts.studio,
    ark: createArkProvider(),
    fal: createFalProvider(),
    replicate: createReplicateProvider(),
    openai: createOpenAiProvider(),
    gemini: createGeminiProvider(),
  }
  const channels = createChannelRouter({
    channels: opts.channels.map((c) => ({ ...c, options: { fetchBytes, ...c.options } })),
    providers,
    clock: opts.clock,
    countActive: (channelId, atMost) => countActiveOnChannel(opts.store.db, channelId, atMost),
  })
  return {
    ...channels,
    async route(model, exclude, region) {
      return channels.hasChannelFor(model) ? channels.route(model, exclude, region) : studioRoute
    },
    byChannel(id) {
      return id === 'studio' ? studioRoute : channels.byChannel(id)
    },
    hasChannelFor: () => true,
    takeToken: (id) => id === 'studio' || channels.takeToken(id),
    settle: (id) => channels.settle(id),
  }
}
