import type { Route } from '../../providers/registry.js'
import type { JobsTable } from '../../store/schema.js'
import { laneOf, pollDelayMs } from './schedule.js'
import type { StepContext } from './step-context.js'

/**
 * A queued job's step: choose a channel (the same one after an uncertain submit), record the
 * intent, submit, and record the acceptance, or settle at once when the upstream answered with
 * the result.
 */
export function createSubmitStep(sc: StepContext) {
  const { deps, tx } = sc
  const { clock, router } = deps

  async function accepted(row: JobsTable, route: Route, upstreamId: string, now: number): Promise<void> {
    await tx.update(
      row,
      {
        status: 'processing',
        upstreamId,
        channel: route.channel.id,
        provider: route.provider.name,
        startedAt: row.startedAt ?? now,
        submitUncertain: 0,
        pollCount: 0,
        lane: laneOf(route.provider),
        nextRunAt: now + pollDelayMs(row, route.provider, 0),
      },
      now,
    )
  }

  async function submitVia(claimed: JobsTable, route: Route, now: number): Promise<void> {
    let row = claimed
    if (router.takeToken && !router.takeToken(route.channel.id)) {
      await tx.update(row, { nextRunAt: now + 250 }, now)
      return
    }
    const inputs = await sc.loadInputs(row)
    const ctx = sc.ctxFor(route, row)
    if (row.submitUncertain && route.provider.findExisting) {
      const existing = await route.provider.findExisting(sc.providerJob(row, inputs), ctx)
      if (existing) {
        await accepted(row, route, existing.upstreamId, now)
        return
      }
    }
    // Bounded by the LLM channel's timeout, and it never throws: a failed step keeps the prompt.
    const prompt = row.submitUncertain ? null : await deps.prompts?.prepare(row, route.channel)
    const promptPatch = prompt ? { promptPipeline: JSON.stringify(prompt) } : {}
    // Record the intent before calling out: if we crash mid-call, the next owner checks first.
    // Only a provider that can look for the task (findExisting) needs the intent to outlive a
    // power cut; for the others it only keeps the retry on this channel, and its flush would
    // be one more fsync per job.
    const intent = { submitUncertain: 1, channel: route.channel.id, provider: route.provider.name, ...promptPatch }
    if (!(await (route.provider.findExisting ? tx.mark(row, intent, now) : tx.note(row, intent, now)))) return
    row = { ...row, ...promptPatch }
    const pjob = sc.providerJob(row, inputs)
    const res = await sc.timed(route.channel.id, 'submit', () => route.provider.submit({ ...pjob, submittedAt: now }, ctx))
    router.reportSuccess?.(route.channel.id)
    if (!('outputs' in res)) {
      await accepted(row, route, res.upstreamId, now)
      return
    }
    // A synchronous upstream answered with the result itself: its id is written with `succeeded`.
    // A crash before that leaves the intent, and the job is submitted again on this channel.
    const learnt = { upstreamId: res.upstreamId, startedAt: now, submitUncertain: 0 }
    await sc.finish({ ...row, ...learnt, channel: route.channel.id, provider: route.provider.name }, route, res.outputs, undefined, learnt)
  }

  return async function submitStep(row: JobsTable): Promise<void> {
    const now = clock.now()
    // An uncertain submit must be settled on the same channel before anything else is tried.
    const refused = row.refusedChannels ? row.refusedChannels.split(',') : []
    const chosen = row.submitUncertain && row.channel ? router.byChannel(row.channel) : null
    const region = row.region ?? undefined
    const route = chosen ?? (await router.route(row.model, refused, region)) ?? (refused.length ? await router.route(row.model, [], region) : null)
    if (!route) {
      // Every channel is saturated or unhealthy: the job waits in the queue, it does not fail.
      await tx.update(row, { nextRunAt: now + 2_000 }, now)
      return
    }
    if (chosen) return submitVia(row, route, now)
    try {
      await submitVia(row, route, now)
    } finally {
      router.settle?.(route.channel.id)
    }
  }
}
