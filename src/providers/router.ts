import { CircuitBreaker } from './circuit-breaker.js'
import type { Clock } from '../domain/clock.js'
import type { ChannelSpec } from './channels.js'
import type { Provider } from './provider.js'
import type { Route, Router } from './registry.js'

const COUNT_TTL_MS = 1_000

export interface RegionHealth {
  region: string
  channels: number
  /** Channels whose circuit is not open in this process. */
  healthyChannels: number
}

export interface ChannelRouterDeps {
  channels: ChannelSpec[]
  providers: Record<string, Provider>
  clock: Clock
  /** Jobs a channel is running now (accepted, not finished), across all processes; may stop counting at `atMost`. */
  countActive(channelId: string, atMost: number): Promise<number>
  random?: () => number
}

/**
 * The order channels are tried in: those of the job's region first, then every other region,
 * each by priority. Without a region, by priority alone.
 */
function tiers<T extends { spec: ChannelSpec }>(candidates: T[], region: string | undefined): T[][] {
  const byPriority = (list: T[]) => [...new Set(list.map((r) => r.spec.priority))].sort((a, b) => a - b).map((p) => list.filter((r) => r.spec.priority === p))
  if (region === undefined) return byPriority(candidates)
  const near = candidates.filter((r) => r.spec.region === region)
  return [...byPriority(near), ...byPriority(candidates.filter((r) => r.spec.region !== region))]
}

/**
 * Chooses a channel by region, model, priority, weight, health and free capacity. Channels in
 * the job's region come first, whatever their priority; the rest are the fallback. Lower `priority`
 * numbers are tried first; within a priority, weight decides. A channel at `maxConcurrent`
 * is skipped, and when every channel is full the job simply stays queued.
 */
export function createChannelRouter(deps: ChannelRouterDeps): Router & {
  reportSuccess(channelId: string): void
  reportFailure(channelId: string, hard: boolean): void
  breakerState(channelId: string): string
  breakerStates(): Array<{ channel: string; state: 'closed' | 'half-open' | 'open' }>
  /** Takes one token of the channel's upstream call rate; false means wait. */
  takeToken(channelId: string): boolean
  settle(channelId: string): void
  /** Each region named by a channel, with how many of its channels are not open-circuited here. */
  regions(): RegionHealth[]
} {
  const random = deps.random ?? Math.random
  // Submits chosen but not yet recorded on their job: counted so one tick cannot overfill a channel.
  const reserved = new Map<string, number>()
  // Counting a busy channel's jobs costs a database read per submit. Far below the limit a
  // count up to a second old is safe (a stale count cannot push the channel over); near the
  // limit every choice counts afresh.
  const counts = new Map<string, { n: number; at: number }>()
  // Concurrent submits share one count in flight instead of each running their own.
  const counting = new Map<string, Promise<number>>()
  async function activeCount(spec: ChannelSpec, now: number): Promise<number> {
    const c = counts.get(spec.id)
    if (c && now - c.at < COUNT_TTL_MS && c.n < spec.maxConcurrent * 0.5) return c.n
    let p = counting.get(spec.id)
    if (!p) {
      p = deps.countActive(spec.id, spec.maxConcurrent).finally(() => counting.delete(spec.id))
      counting.set(spec.id, p)
      counts.set(spec.id, { n: await p, at: now })
    }
    return p
  }
  const routes = new Map<string, Route & { spec: ChannelSpec; breaker: CircuitBreaker; tokens: number; refilledAt: number }>()
  for (const spec of deps.channels) {
    const provider = deps.providers[spec.provider]
    if (!provider) throw new Error(`No provider ${spec.provider} for channel ${spec.id}`)
    routes.set(spec.id, { provider, channel: spec, spec, breaker: new CircuitBreaker(5, 30_000), tokens: spec.ratePerSecond, refilledAt: deps.clock.now() })
  }

  function pickWeighted<T extends { spec: ChannelSpec }>(items: T[]): T | undefined {
    const total = items.reduce((a, r) => a + r.spec.weight, 0)
    let x = random() * total
    for (const r of items) {
      x -= r.spec.weight
      if (x < 0) return r
    }
    return items.at(-1)
  }

  return {
    regions() {
      const now = deps.clock.now()
      const byRegion = new Map<string, { channels: number; open: number }>()
      for (const r of routes.values()) {
        const name = r.spec.region ?? ''
        const e = byRegion.get(name) ?? { channels: 0, open: 0 }
        e.channels++
        if (r.breaker.state(now) === 'open') e.open++
        byRegion.set(name, e)
      }
      return [...byRegion].filter(([name]) => name !== '').map(([region, e]) => ({ region, channels: e.channels, healthyChannels: e.channels - e.open }))
    },
    async route(model, exclude = [], region) {
      const now = deps.clock.now()
      const candidates = [...routes.values()].filter((r) => r.spec.models[model] !== undefined && !exclude.includes(r.spec.id) && r.breaker.state(now) !== 'open')
      for (let group of tiers(candidates, region)) {
        while (group.length > 0) {
          const r = pickWeighted(group)!
          group = group.filter((g) => g !== r)
          reserved.set(r.spec.id, (reserved.get(r.spec.id) ?? 0) + 1)
          const active = (await activeCount(r.spec, now)) + (reserved.get(r.spec.id) ?? 0) - 1
          if (active >= r.spec.maxConcurrent || !r.breaker.allow(now)) {
            reserved.set(r.spec.id, (reserved.get(r.spec.id) ?? 1) - 1)
            continue
          }
          return r
        }
      }
      return null
    },
    byChannel(id) {
      return routes.get(id) ?? null
    },
    hasChannelFor(model) {
      return [...routes.values()].some((r) => r.spec.models[model] !== undefined)
    },
    settle(id) {
      // The job may now be recorded as running there: count it until the next fresh count.
      const c = counts.get(id)
      if (c) c.n++
      const n = reserved.get(id) ?? 0
      if (n > 0) reserved.set(id, n - 1)
    },
    reportSuccess(id) {
      routes.get(id)?.breaker.success()
    },
    reportFailure(id, hard) {
      routes.get(id)?.breaker.failure(deps.clock.now(), hard)
    },
    breakerState(id) {
      return routes.get(id)?.breaker.state(deps.clock.now()) ?? 'unknown'
    },
    breakerStates() {
      const now = deps.clock.now()
      return [...routes.values()].map((r) => ({ channel: r.spec.id, state: r.breaker.state(now) }))
    },
    takeToken(id) {
      const r = routes.get(id)
      if (!r) return false
      const now = deps.clock.now()
      r.tokens = Math.min(r.spec.ratePerSecond, r.tokens + ((now - r.refilledAt) / 1000) * r.spec.ratePerSecond)
      r.refilledAt = now
      if (r.tokens < 1) return false
      r.tokens -= 1
      return true
    },
  }
}
