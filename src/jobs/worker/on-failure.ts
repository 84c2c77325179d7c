import { retryDelayMs } from '../../domain/poll-schedule.js'
import { ProviderError } from '../../providers/provider.js'
import { getJobAtAttempt } from '../../store/jobs/index.js'
import type { JobsTable } from '../../store/schema.js'
import { jobIds } from '../job-log.js'
import { failurePlan } from './failure-policy.js'
import type { StepContext } from './step-context.js'

/** Records a failed step as its failure plan says (`failure-policy.ts`). */
export function createFailureHandler(sc: StepContext) {
  const { deps, tx } = sc
  const { clock, router, log, store, metrics } = deps

  return async function onError(row: JobsTable, err: unknown): Promise<void> {
    const now = clock.now()
    // Re-read: a step may have moved the row (and its fencing values) before it threw.
    const current = await getJobAtAttempt(store.db, row.id, row.attempt)
    if (!current || (current.status !== 'queued' && current.status !== 'processing')) return
    const pe = err instanceof ProviderError ? err : new ProviderError('unexpected', String((err as Error)?.stack ?? err), { cause: err })
    log.warn({ ...jobIds(current), channel: current.channel, kind: pe.kind, code: pe.code, detail: pe.detail }, 'job step failed')
    if (current.channel) metrics?.upstreamError(current.channel, pe.kind)
    if (current.channel && pe.kind !== 'user') router.reportFailure?.(current.channel, pe.kind === 'config')
    const backoff = now + retryDelayMs(Math.min(current.attempt, 12), pe.retryAfterMs)
    const detail = pe.detail ?? null
    const plan = failurePlan(pe.code, !current.upstreamId)
    switch (plan.action) {
      case 'back-off':
        await tx.update(current, { nextRunAt: backoff, errorDetail: detail }, now)
        return
      case 'fail':
        await sc.fail(current, pe.jobCode, pe.publicMessage, detail)
        return
      case 'fail-over': {
        const refused = [...new Set([...(current.refusedChannels?.split(',') ?? []), ...(current.channel ? [current.channel] : [])])]
        const other = await router.route(current.model, refused, current.region ?? undefined)
        if (other) {
          router.settle?.(other.channel.id)
          await tx.update(current, { channel: null, provider: null, submitUncertain: 0, refusedChannels: refused.join(','), nextRunAt: now, errorDetail: detail }, now)
          return
        }
        if (plan.otherwise === 'fail') {
          await sc.fail(current, pe.jobCode, pe.publicMessage, detail)
          return
        }
        // Every channel refused: start over on all of them after a back-off.
        await tx.update(current, { channel: null, provider: null, submitUncertain: 0, refusedChannels: null, nextRunAt: backoff, errorDetail: detail }, now)
        return
      }
    }
  }
}
