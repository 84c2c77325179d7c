import { enqueueWebhook } from '../../webhooks/outbox.js'
import type { JobsTable } from '../../store/schema.js'
import { jobIds } from '../job-log.js'
import { laneOf, pollDelayMs } from './schedule.js'
import type { StepContext } from './step-context.js'

/**
 * An accepted job's step: ask its channel where the task is, on the job's own schedule.
 * Polls always go back through the accepting channel.
 */
export function createPollStep(sc: StepContext) {
  const { deps, tx } = sc
  const { clock, router, log, store } = deps

  return async function pollStep(row: JobsTable): Promise<void> {
    const route = row.channel ? router.byChannel(row.channel) : null
    const now = clock.now()
    if (!route || !row.upstreamId) {
      // The accepting channel was removed from config; only its deadline can end the job now.
      log.error({ ...jobIds(row), channel: row.channel }, 'job accepted by a channel that no longer exists')
      await tx.update(row, { nextRunAt: now + 60_000 }, now)
      return
    }
    if (router.takeToken && !router.takeToken(route.channel.id)) {
      await tx.update(row, { nextRunAt: now + 250 }, now)
      return
    }
    const upstreamId = row.upstreamId
    const res = await sc.timed(route.channel.id, 'poll', () => route.provider.get(upstreamId, sc.providerJob(row), sc.ctxFor(route, row)))
    if (res.state === 'queued' || res.state === 'running') {
      const progress = Math.max(row.progress, Math.min(99, Math.round(res.progress ?? row.progress)))
      const poll = { progress, pollCount: row.pollCount + 1, nextRunAt: now + (res.nextPollMs ?? pollDelayMs(row, route.provider, row.pollCount + 1)) }
      // A job accepted before lanes were stored (migration 0014) moves to its lane on its first poll.
      const lane = laneOf(route.provider)
      const moved = row.lane === lane ? await tx.recordPoll(row, poll, now) : await tx.update(row, { ...poll, lane }, now)
      // Progress events go only to keys that opted in (enqueueWebhook checks).
      if (moved && progress > row.progress) await enqueueWebhook(store.db, row, 'job.progress', now)
      return
    }
    if (res.state === 'failed') throw res.error
    if (res.state === 'succeeded') await sc.finish(row, route, res.outputs, res.actualCost)
  }
}
