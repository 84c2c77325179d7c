import type { Clock } from '../domain/clock.js'
import type { CallbackRequest } from '../providers/http-json.js'
import type { Router } from '../providers/registry.js'
import type { Store } from '../store/db.js'
import { findJobByUpstream, wakeJobByUpstream } from '../store/jobs/index.js'

/**
 * An upstream callback is only a hint: it makes the named job due now, and the worker
 * re-fetches the task through its channel. Nothing in the callback body is trusted as a result.
 */
export function createCallbackHandler(deps: { store: Store; router: Router; clock: Clock; onHint: () => void; log?: { warn(o: object, m?: string): void } }) {
  return async function handle(channelId: string, req: CallbackRequest): Promise<'accepted' | 'unknown_channel' | 'rejected' | 'no_job'> {
    const route = deps.router.byChannel(channelId)
    if (!route) return 'unknown_channel'
    const parsed = route.provider.parseCallback?.(req, { channel: route.channel, clock: deps.clock }) ?? null
    if (!parsed) return 'rejected'
    if (!(await wakeJobByUpstream(deps.store.db, channelId, parsed.upstreamId, deps.clock.now()))) {
      // An upstream still reporting on a job we already settled (e.g. timed out): the operator
      // should know it may bill for it; the customer is never charged.
      const settled = await findJobByUpstream(deps.store.db, channelId, parsed.upstreamId)
      if (settled) deps.log?.warn({ jobId: settled.id, channel: channelId, status: settled.status, errorCode: settled.errorCode }, 'late upstream event for a settled job')
      return 'no_job'
    }
    deps.onHint()
    return 'accepted'
  }
}

export type CallbackHandler = ReturnType<typeof createCallbackHandler>
