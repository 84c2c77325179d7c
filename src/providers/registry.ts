import type { ChannelConfig, Provider } from './provider.js'
import type { RegionHealth } from './router.js'

export interface Route {
  provider: Provider
  channel: ChannelConfig
}

/** Picks where a job runs. The worker sees only this and the Provider interface. */
export interface Router {
  /**
   * A channel for a new submission of `model` (skipping `exclude`), preferring `region`'s
   * channels, or null when none can take it now.
   */
  route(model: string, exclude?: string[], region?: string): Promise<Route | null>
  /** The channel that accepted a job earlier: polls always go back through it. */
  byChannel(channelId: string): Route | null
  /** Whether any configured channel serves the model at all (healthy or not). */
  hasChannelFor(model: string): boolean
  reportSuccess?(channelId: string): void
  /** `hard` opens the breaker at once (auth or configuration errors). */
  reportFailure?(channelId: string, hard: boolean): void
  /** Takes one token of the channel's upstream call rate; false means wait. */
  takeToken?(channelId: string): boolean
  /** The submit `route` chose has been recorded on the job (or abandoned): drop its reservation. */
  settle?(channelId: string): void
  /** Each configured channel's circuit breaker in this process (for /metrics). */
  breakerStates?(): Array<{ channel: string; state: 'closed' | 'half-open' | 'open' }>
  /** The regions the configured channels name, with their health in this process. */
  regions?(): RegionHealth[]
}

/** Every model runs on one provider; the embedded default routes everything to `studio`. */
export function singleProviderRouter(provider: Provider, channel: ChannelConfig): Router {
  const route = { provider, channel }
  return {
    route: async () => route,
    byChannel: (id) => (id === channel.id ? route : null),
    hasChannelFor: () => true,
  }
}
