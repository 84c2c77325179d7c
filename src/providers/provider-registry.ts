import { createArkProvider } from './ark/index.js'
import { createFalProvider } from './fal/index.js'
import { createGeminiProvider } from './gemini/index.js'
import { createOpenAiProvider } from './openai/index.js'
import { createReplicateProvider } from './replicate/index.js'
import type { Provider, ProviderCapabilities } from './provider.js'

/** A cheap authenticated read that tells whether a channel's key works (`reelay channels test`). */
export interface AuthProbe {
  path: string
  header(key: string): Record<string, string>
  /** Statuses besides 2xx that mean "key accepted" (fal answers 404 for an unknown request). */
  acceptStatus?: number[]
}

export interface ProviderEntry {
  capabilities: Required<ProviderCapabilities> & {
    /** `submit` answers with the result itself: nothing to poll. */
    sync: boolean
    /** The task runs upstream and is polled by its id. */
    pollable: boolean
    /** The upstream can call us back when a task changes (`parseCallback`). */
    callbacks: boolean
    /** How to check a key; null when there is none to check. */
    probe: AuthProbe | null
  }
  /** Null for `studio`, which the runtime builds with its simulation settings. */
  create: (() => Provider) | null
}

export const PROVIDER_NAMES = ['studio', 'ark', 'fal', 'replicate', 'openai', 'gemini'] as const
export type ProviderName = (typeof PROVIDER_NAMES)[number]

const bearer = (k: string) => ({ authorization: `Bearer ${k}` })

/** Every provider a channel may name, with what it can do: the one list the config, router and CLI read. */
export const PROVIDERS: Record<ProviderName, ProviderEntry> = {
  studio: { create: null, capabilities: { local: true, sync: false, pollable: true, callbacks: false, probe: null } },
  ark: {
    create: createArkProvider,
    capabilities: { local: false, sync: false, pollable: true, callbacks: true, probe: { path: '/contents/generations/tasks?page_num=1&page_size=1', header: bearer } },
  },
  fal: {
    create: createFalProvider,
    capabilities: {
      local: false,
      sync: false,
      pollable: true,
      callbacks: true,
      // fal has no read-only endpoint that checks a key; a status read of a made-up request does.
      probe: { path: '/fal-ai/any/requests/00000000-0000-0000-0000-000000000000/status', header: (k) => ({ authorization: `Key ${k}` }), acceptStatus: [404] },
    },
  },
  replicate: { create: createReplicateProvider, capabilities: { local: false, sync: false, pollable: true, callbacks: true, probe: { path: '/v1/account', header: bearer } } },
  openai: { create: createOpenAiProvider, capabilities: { local: false, sync: true, pollable: false, callbacks: false, probe: { path: '/models', header: bearer } } },
  gemini: {
    create: createGeminiProvider,
    capabilities: { local: false, sync: true, pollable: false, callbacks: false, probe: { path: '/v1beta/models?pageSize=1', header: (k) => ({ 'x-goog-api-key': k }) } },
  },
}

/** One instance of every provider, each carrying its capabilities, with the runtime's `studio`. */
export function createProviders(studio: Provider): Record<ProviderName, Provider> {
  const out = {} as Record<ProviderName, Provider>
  for (const name of PROVIDER_NAMES) {
    const entry = PROVIDERS[name]
    const provider = entry.create ? entry.create() : studio
    out[name] = Object.assign(provider, { capabilities: { ...provider.capabilities, local: entry.capabilities.local } })
  }
  return out
}
