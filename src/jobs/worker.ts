import { mkdirSync } from 'node:fs'
import { resolveModel } from '../catalog/models.js'
import { nextPollDelayMs, retryDelayMs } from '../domain/poll-schedule.js'
import { ProviderError, type ProviderContext, type ProviderJob, type ProviderLogger } from '../providers/provider.js'
import { claimDueJobs } from './claim.js'
import { createClaimLoop } from './claim-loop.js'
import { jobIds, jobLogger } from './job-log.js'
import { enqueueWebhook } from '../webhooks/outbox.js'
import { storeOutputs, type OutputDeps } from './store-outputs.js'
import { createTransitions } from './transitions.js'
import type { Clock } from '../domain/clock.js'
import { AUTO_DURATION, type CanonicalParams, type VideoParams } from '../domain/params.js'
import { priceVideo } from '../domain/pricing.js'
import type { PriceBook } from '../catalog/prices.js'
import type { StoredOutput } from './job-model.js'
import type { Route, Router } from '../providers/registry.js'
import type { Store } from '../store/db.js'
import type { JobsTable } from '../store/schema.js'
import { loadJobInputs } from './references/job-inputs.js'
import { providerInputs, withStoredUrls } from './references/provider-inputs.js'
import type { ProviderInput } from '../providers/provider.js'
import { parseRecord, usedPrompt } from '../prompts/record.js'
import { settledCost, type PromptStage } from '../prompts/stage.js'

export interface WorkerDeps extends OutputDeps {
  store: Store
  clock: Clock
  router: Router
  log: ProviderLogger
  ownerId: string
  leaseMs: number
  /** Submits and studio renders run at once (CPU-bound). */
  concurrency: number
  /** Upstream status requests in flight at once (I/O-bound). (Default: `concurrency`) */
  pollConcurrency?: number
  idleMs: number
  /** Where upstream callbacks reach this deployment, when it is reachable. */
  callbackBaseUrl?: string
  /** Told after every terminal transition this worker made (webhooks hook in here). */
  onTerminal?: (jobId: string) => void
  /** Housekeeping run with the deadline sweep (e.g. expiring idempotency keys). */
  maintenance?: () => Promise<unknown>
  /** Prices what was rendered when the model picked the duration (the hold covered the longest). */
  prices?: PriceBook
  /** Seconds the links to a job's stored inputs handed to an upstream stay valid. (Default: 86400) */
  inputUrlTtlSec?: number
  /** Upstream latency and error kinds per channel (the /metrics endpoint). */
  metrics?: UpstreamMetrics
  /** Translates and enhances prompts before a submit; absent: prompts go as sent. */
  prompts?: PromptStage
}

export interface UpstreamMetrics {
  upstreamCall(channel: string, op: 'submit' | 'poll', seconds: number): void
  upstreamError(channel: string, kind: string): void
}

const SWEEP_EVERY_MS = 5_000

/**
 * A video whose model picked the length (-1) costs the seconds it came out with (rounded up,
 * within the model's range); undefined (capture the hold) for every other job.
 */
export function renderedCost(prices: PriceBook, row: Pick<JobsTable, 'type' | 'model' | 'params'>, stored: StoredOutput[]): number | undefined {
  if (row.type !== 'video') return undefined
  const p = JSON.parse(row.params) as VideoParams
  const model = resolveModel(row.model)
  const seconds = stored[0]?.durationSec
  if (p.durationSec !== AUTO_DURATION || model?.type !== 'video' || !seconds) return undefined
  const fit = model.durations.find((d) => d >= seconds - 0.1) ?? Math.max(...model.durations)
  return priceVideo(prices, model.id, { ...p, durationSec: fit })
}

/**
 * Claims due jobs with leases, submits them, polls them on their own schedule, stores their
 * outputs and settles credits. Runs in the API process by default, or alone (`--role worker`).
 */
export function createWorker(deps: WorkerDeps) {
  const { store, clock, router, log } = deps
  const tx = createTransitions(store)
  const metrics = deps.metrics

  /** Times one upstream call for the metrics; failures are counted by kind in `onError`. */
  async function timed<T>(channel: string, op: 'submit' | 'poll', call: () => Promise<T>): Promise<T> {
    if (!metrics) return call()
    const started = performance.now()
    try {
      return await call()
    } finally {
      metrics.upstreamCall(channel, op, (performance.now() - started) / 1_000)
    }
  }
  mkdirSync(deps.tmpDir, { recursive: true })

  function ctxFor(route: Route, job: JobsTable): ProviderContext {
    let jobLog: ProviderLogger | undefined
    return {
      channel: route.channel,
      clock,
      // Built on first use: most polls never log.
      get log() {
        return (jobLog ??= jobLogger(log, job))
      },
      tmpDir: deps.tmpDir,
      ...(deps.callbackBaseUrl ? { callbackUrl: `${deps.callbackBaseUrl}/internal/callbacks/${route.channel.id}?job=${job.id}` } : {}),
    }
  }

  function loadInputs(row: JobsTable): Promise<ProviderInput[]> {
    const expires = Math.floor(clock.now() / 1000) + (deps.inputUrlTtlSec ?? 86_400)
    return loadJobInputs(store.db, row.id).then((rows) => providerInputs(rows, deps.storage, expires))
  }

  /** `inputs`: preloaded for a submit, whose parameters then carry links to the stored copies. */
  function providerJob(row: JobsTable, inputs?: ProviderInput[]): ProviderJob {
    let params: CanonicalParams | undefined
    let loaded: Promise<ProviderInput[]> | undefined = inputs ? Promise.resolve(inputs) : undefined
    // Most polls need only the upstream id: parse the parameters when an adapter reads them.
    return {
      id: row.id,
      model: row.model,
      type: row.type,
      submittedAt: row.startedAt,
      get params() {
        if (params) return params
        const parsed = JSON.parse(row.params) as CanonicalParams
        const rec = parseRecord(row.promptPipeline ?? null)
        // The provider gets the pipeline's prompt; the job keeps the customer's in `params`.
        params = withStoredUrls(row.type, rec ? { ...parsed, prompt: usedPrompt(rec) } : parsed, inputs ?? [])
        return params
      },
      inputs: () => (loaded ??= loadInputs(row)),
    }
  }

  function terminal(ok: boolean, row: JobsTable): void {
    if (ok) deps.onTerminal?.(row.id)
  }

  function failed(ok: boolean, row: JobsTable, code: string): void {
    if (ok) log.info({ ...jobIds(row), channel: row.channel, status: 'failed', code }, 'job failed')
    terminal(ok, row)
  }

  async function finish(row: JobsTable, route: Route, outputs: Parameters<typeof storeOutputs>[2], actualCost?: number): Promise<void> {
    const stored = await storeOutputs(deps, row, outputs)
    const render = actualCost ?? (deps.prices && renderedCost(deps.prices, row, stored))
    const ok = await tx.succeed(row, stored, settledCost(row.price, render, parseRecord(row.promptPipeline ?? null)), clock.now())
    if (!ok) {
      // Someone else decided first (cancel, deadline, a newer lease): keep nothing, charge nothing.
      await Promise.all(stored.map((s) => deps.storage.delete(s.key).catch(() => undefined)))
      log.warn({ ...jobIds(row), channel: route.channel.id }, 'late success ignored: the job was already settled')
    } else {
      log.info({ ...jobIds(row), channel: route.channel.id, status: 'succeeded' }, 'job succeeded')
    }
    terminal(ok, row)
  }

  async function submitStep(row: JobsTable): Promise<void> {
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
    if (!chosen) {
      try {
        await submitVia(row, route, now)
      } finally {
        router.settle?.(route.channel.id)
      }
      return
    }
    await submitVia(row, route, now)
  }

  async function submitVia(claimed: JobsTable, route: Route, now: number): Promise<void> {
    let row = claimed
    if (router.takeToken && !router.takeToken(route.channel.id)) {
      await tx.update(row, { nextRunAt: now + 250 }, now)
      return
    }
    const inputs = await loadInputs(row)
    const ctx = ctxFor(route, row)
    if (row.submitUncertain && route.provider.findExisting) {
      const existing = await route.provider.findExisting(providerJob(row, inputs), ctx)
      if (existing) {
        await accepted(row, route, existing.upstreamId, now)
        return
      }
    }
    // Bounded by the LLM channel's timeout, and it never throws: a failed step keeps the prompt.
    const prompt = row.submitUncertain ? null : await deps.prompts?.prepare(row, route.channel)
    const promptPatch = prompt ? { promptPipeline: JSON.stringify(prompt) } : {}
    // Record the intent before calling out: if we crash mid-call, the next owner checks first.
    if (!(await tx.mark(row, { submitUncertain: 1, channel: route.channel.id, provider: route.provider.name, ...promptPatch }, now))) return
    row = { ...row, ...promptPatch }
    const pjob = providerJob(row, inputs)
    const res = await timed(route.channel.id, 'submit', () => route.provider.submit({ ...pjob, submittedAt: now }, ctx))
    router.reportSuccess?.(route.channel.id)
    if (!('outputs' in res)) {
      await accepted(row, route, res.upstreamId, now)
      return
    }
    // A synchronous upstream answered with the result itself.
    if (!(await tx.mark(row, { upstreamId: res.upstreamId, startedAt: now, submitUncertain: 0 }, now))) return
    await finish({ ...row, upstreamId: res.upstreamId, startedAt: now, channel: route.channel.id, provider: route.provider.name }, route, res.outputs)
  }

  async function accepted(row: JobsTable, route: Route, upstreamId: string, now: number): Promise<void> {
    const typical = resolveModel(row.model)?.typicalMs ?? 60_000
    const firstPoll = route.provider.name === 'studio' ? 0 : nextPollDelayMs(typical, 0)
    await tx.update(
      row,
      { status: 'processing', upstreamId, channel: route.channel.id, provider: route.provider.name, startedAt: row.startedAt ?? now, submitUncertain: 0, pollCount: 0, nextRunAt: now + firstPoll },
      now,
    )
  }

  async function pollStep(row: JobsTable): Promise<void> {
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
    const res = await timed(route.channel.id, 'poll', () => route.provider.get(upstreamId, providerJob(row), ctxFor(route, row)))
    if (res.state === 'queued' || res.state === 'running') {
      const typical = resolveModel(row.model)?.typicalMs ?? 60_000
      const delay = res.nextPollMs ?? nextPollDelayMs(typical, row.pollCount + 1)
      const progress = Math.max(row.progress, Math.min(99, Math.round(res.progress ?? row.progress)))
      const moved = await tx.recordPoll(row, { progress, pollCount: row.pollCount + 1, nextRunAt: now + delay }, now)
      // Progress events go only to keys that opted in (enqueueWebhook checks).
      if (moved && progress > row.progress) await enqueueWebhook(store.db, row, 'job.progress', now)
      return
    }
    if (res.state === 'failed') throw res.error
    if (res.state === 'succeeded') await finish(row, route, res.outputs, res.actualCost)
  }

  async function onError(row: JobsTable, err: unknown): Promise<void> {
    const now = clock.now()
    // Re-read: a step may have moved the row (and its fencing values) before it threw.
    const current = await store.db.selectFrom('jobs').selectAll().where('id', '=', row.id).where('attempt', '=', row.attempt).executeTakeFirst()
    if (!current || (current.status !== 'queued' && current.status !== 'processing')) return
    const pe =
      err instanceof ProviderError
        ? err
        : new ProviderError({ kind: 'retryable', code: 'generation_failed', publicMessage: 'The generation failed.', detail: String((err as Error)?.stack ?? err), cause: err })
    log.warn({ ...jobIds(current), channel: current.channel, kind: pe.kind, code: pe.code, detail: pe.detail }, 'job step failed')
    if (current.channel) metrics?.upstreamError(current.channel, pe.kind)
    const backoff = now + retryDelayMs(Math.min(current.attempt, 12), pe.retryAfterMs)
    const submitting = !current.upstreamId
    if (current.channel && pe.kind !== 'user') router.reportFailure?.(current.channel, pe.kind === 'config')
    switch (pe.kind) {
      case 'retryable': {
        if (!submitting) {
          await tx.update(current, { nextRunAt: backoff, errorDetail: pe.detail ?? null }, now)
          return
        }
        // A refused submit proves the upstream did not take the job: fail over to another channel
        // at once if there is one, else back off and try them all again.
        const refused = [...new Set([...(current.refusedChannels?.split(',') ?? []), ...(current.channel ? [current.channel] : [])])]
        const other = await router.route(current.model, refused, current.region ?? undefined)
        if (other) router.settle?.(other.channel.id)
        await tx.update(
          current,
          { channel: null, provider: null, submitUncertain: 0, refusedChannels: other ? refused.join(',') : null, nextRunAt: other ? now : backoff, errorDetail: pe.detail ?? null },
          now,
        )
        return
      }
      case 'unknown':
        // The upstream may have the job: stay on this channel and check before resubmitting.
        await tx.update(current, { nextRunAt: backoff, errorDetail: pe.detail ?? null }, now)
        return
      case 'user':
        failed(await tx.fail(current, pe.code, pe.publicMessage, pe.detail ?? null, now), current, pe.code)
        return
      case 'config': {
        const refused = [...new Set([...(current.refusedChannels?.split(',') ?? []), ...(current.channel ? [current.channel] : [])])]
        const other = submitting ? await router.route(current.model, refused, current.region ?? undefined) : null
        if (other) {
          router.settle?.(other.channel.id)
          await tx.update(current, { channel: null, provider: null, submitUncertain: 0, refusedChannels: refused.join(','), nextRunAt: now, errorDetail: pe.detail ?? null }, now)
          return
        }
        failed(await tx.fail(current, 'service_unavailable', 'No generation channel could run the job.', pe.detail ?? null, now), current, 'service_unavailable')
        return
      }
    }
  }

  async function step(row: JobsTable): Promise<void> {
    try {
      if (row.upstreamId && row.status === 'processing') await pollStep(row)
      else await submitStep(row)
    } catch (err) {
      await onError(row, err).catch((e: unknown) => log.error({ ...jobIds(row), err: String(e) }, 'could not record a job failure'))
    }
  }

  let lastSweep = 0
  // Two lanes, so thousands of cheap upstream polls never wait behind a render, and a burst of
  // polls cannot start more renders than the CPU allows.
  const steps = createClaimLoop({
    name: 'worker',
    concurrency: deps.concurrency,
    idleMs: deps.idleMs,
    log,
    async beforeClaim() {
      const now = clock.now()
      if (now - lastSweep < SWEEP_EVERY_MS) return
      lastSweep = now
      for (const j of await tx.sweepDeadlines(now)) deps.onTerminal?.(j.id)
      await deps.maintenance?.()
    },
    claim: (free) => claimDueJobs(store, deps.ownerId, clock.now(), deps.leaseMs, free, 'steps'),
    run: step,
  })
  const polls = createClaimLoop({
    name: 'poller',
    concurrency: deps.pollConcurrency ?? deps.concurrency,
    idleMs: deps.idleMs,
    log,
    claim: (free) => claimDueJobs(store, deps.ownerId, clock.now(), deps.leaseMs, free, 'polls'),
    run: step,
  })
  const lanes = [steps, polls]

  return {
    async tick(): Promise<number> {
      return (await steps.tick()) + (await polls.tick())
    },
    wake(): void {
      for (const l of lanes) l.wake()
    },
    /** Runs both lanes until neither has anything due or running. */
    async drain(maxRounds = 1_000): Promise<void> {
      for (let i = 0; i < maxRounds; i++) {
        if ((await steps.drain()) + (await polls.drain()) === 0) return
      }
      throw new Error('worker did not settle')
    },
    start(): void {
      for (const l of lanes) l.start()
    },
    /** Forces a deadline sweep now; returns the ids it failed. */
    async sweep(): Promise<string[]> {
      const swept = await tx.sweepDeadlines(clock.now())
      for (const j of swept) deps.onTerminal?.(j.id)
      return swept.map((j) => j.id)
    },
    /** Stops claiming, lets running steps finish, then hands back any lease still held. */
    async stop(graceMs = 10_000): Promise<void> {
      await Promise.all(lanes.map((l) => l.stop(graceMs)))
      await store.db.updateTable('jobs').set({ leaseOwner: null, leaseExpiresAt: null }).where('leaseOwner', '=', deps.ownerId).execute()
    },
    get running(): number {
      return steps.running + polls.running
    },
  }
}

export type Worker = ReturnType<typeof createWorker>
