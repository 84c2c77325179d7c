import { createChannelRouter } from './router.js'
import { createProviders } from './provider-registry.js'
import type { Clock } from '../domain/clock.js'
import type { Store } from '../store/db.js'
import type { ChannelSpec } from './channels.js'
import type { Provider } from './provider.js'
import type { Router } from './registry.js'
import { countActiveOnChannel } from '../store/jobs/index.js'

/** The router the worker uses: configured channels, with `studio` serving every model they do not. */
export function createRouter(opts: { channels: ChannelSpec[]; studio: Provider; store: Store; clock: Clock }): Router {
  const studioRoute = { provider: opts.studio, channel: { id: 'studio', provider: 'studio', baseUrl: 'local', apiKey: '', models: {}, options: {} } }
  const providers = createProviders(opts.studio)
  const channels = createChannelRouter({
    channels: opts.channels,
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
