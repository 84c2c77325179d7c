import type { Clock } from '../domain/clock.js'
import { createProviderContext } from '../providers/context.js'
import type { ProviderLogger } from '../providers/provider.js'
import type { Router } from '../providers/registry.js'
import type { JobEvents } from './job-events.js'

/**
 * On every cancel, tells the accepting upstream to stop (best effort), so an abandoned job
 * costs nothing more. The customer's cancel has already committed; a failure here is logged.
 */
export function cancelUpstreamOnCancel(deps: { events: JobEvents; router: Router; clock: Clock; log: ProviderLogger; tmpDir: string }): void {
  deps.events.on('cancelled', (job) => {
    const route = job.channel ? deps.router.byChannel(job.channel) : null
    if (!route || !job.upstreamId) return
    void route.provider
      .cancel(job.upstreamId, createProviderContext({ channel: route.channel, clock: deps.clock, log: deps.log, tmpDir: deps.tmpDir }))
      .catch((err: unknown) => deps.log.warn({ jobId: job.id, channel: job.channel, err: String(err) }, 'upstream cancel failed'))
  })
}
