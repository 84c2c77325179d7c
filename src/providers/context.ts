import { createProviderHttp } from './http/index.js'
import type { ProviderContext } from './provider.js'

/**
 * The one way a provider context is made (worker steps, upstream cancels, tests): the caller
 * gives the channel and the job's surroundings, and the context's `http` is bound to them.
 */
export function createProviderContext(base: Omit<ProviderContext, 'http'>): ProviderContext {
  // Assigned onto `base`, not spread: a lazy getter there (the job's logger) must stay lazy.
  return Object.assign(base, { http: createProviderHttp(base.channel, base.signal) })
}
