import { writeFileSync } from 'node:fs'
import type { FakeArk } from './fakes/ark-server.js'

export interface ArkChannel {
  id: string
  fake: FakeArk
  priority: number
  maxConcurrent?: number
  ratePerSecond?: number
  timeoutMs?: number
}

/**
 * Writes a channels file whose channels are fake Ark upstreams serving seedance-2.0; returns
 * the environment holding their API keys (each channel reads `KEY_<ID>`).
 */
export function writeArkChannels(file: string, channels: ArkChannel[]): Record<string, string> {
  const env: Record<string, string> = {}
  const specs = channels.map((c) => {
    env[`KEY_${c.id.toUpperCase()}`] = c.fake.apiKey
    return {
      id: c.id,
      provider: 'ark',
      baseUrl: c.fake.url,
      apiKeyEnv: `KEY_${c.id.toUpperCase()}`,
      models: { 'seedance-2.0': 'dreamina-seedance-2-0-260128' },
      priority: c.priority,
      maxConcurrent: c.maxConcurrent ?? 100,
      ratePerSecond: c.ratePerSecond ?? 1000,
      options: { timeoutMs: c.timeoutMs ?? 300 },
    }
  })
  writeFileSync(file, JSON.stringify({ channels: specs }))
  return env
}
