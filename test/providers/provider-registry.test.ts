import { describe, expect, it } from 'vitest'
import { createStudioProvider } from '../../src/providers/studio/index.js'
import { createProviders, PROVIDER_NAMES, PROVIDERS } from '../../src/providers/provider-registry.js'

describe('provider registry', () => {
  const providers = createProviders(createStudioProvider({ latencyMs: 0, failureRate: 0 }))

  it('has one adapter per provider a channel may name, under that name', () => {
    expect(Object.keys(providers).sort()).toEqual([...PROVIDER_NAMES].sort())
    for (const name of PROVIDER_NAMES) expect(providers[name].name).toBe(name)
  })

  it('states what each adapter can do, as the adapters do it', () => {
    for (const name of PROVIDER_NAMES) {
      const { capabilities } = PROVIDERS[name]
      expect({ name, callbacks: typeof providers[name].parseCallback === 'function' }).toEqual({ name, callbacks: capabilities.callbacks })
      expect({ name, local: providers[name].capabilities?.local ?? false }).toEqual({ name, local: capabilities.local })
      // A synchronous upstream has nothing to poll, and a local one nothing to authenticate.
      expect(capabilities.sync && capabilities.pollable).toBe(false)
      if (capabilities.local) expect(capabilities.probe).toBeNull()
      else expect(capabilities.probe?.path).toMatch(/^\//)
    }
  })
})
