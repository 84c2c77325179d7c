import { resolveModel } from '../../catalog/models.js'
import type { JobErrorCode } from '../../errors.js'
import type { PriceBook } from '../../catalog/prices.js'
import { AUTO_DURATION, type CanonicalParams, type VideoParams } from '../../domain/params.js'
import { priceVideo } from '../../domain/pricing.js'
import { parseRecord, usedPrompt } from '../../prompts/record.js'
import { settledCost } from '../../prompts/stage.js'
import { createProviderContext } from '../../providers/context.js'
import type { ProviderContext, ProviderInput, ProviderJob, ProviderLogger } from '../../providers/provider.js'
import type { Route } from '../../providers/registry.js'
import type { JobsTable } from '../../store/schema.js'
import type { JobPatch } from '../../store/jobs/index.js'
import { jobIds, jobLogger } from '../job-log.js'
import type { StoredOutput } from '../job-model.js'
import { loadJobInputs } from '../references/job-inputs.js'
import { providerInputs, withStoredUrls } from '../references/provider-inputs.js'
import { storeOutputs } from '../store-outputs.js'
import { createTransitions } from '../transitions.js'
import type { WorkerDeps } from './deps.js'

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

/** What the submit and poll steps share: fenced writes, the provider's view of a job, settling. */
export function createStepContext(deps: WorkerDeps) {
  const { store, clock, log, metrics } = deps
  const tx = createTransitions(store, deps.groupCommit)

  /** Times one upstream call for the metrics; failures are counted by kind where they are handled. */
  async function timed<T>(channel: string, op: 'submit' | 'poll', call: () => Promise<T>): Promise<T> {
    if (!metrics) return call()
    const started = performance.now()
    try {
      return await call()
    } finally {
      metrics.upstreamCall(channel, op, (performance.now() - started) / 1_000)
    }
  }

  function ctxFor(route: Route, job: JobsTable): ProviderContext {
    let jobLog: ProviderLogger | undefined
    return createProviderContext({
      channel: route.channel,
      clock,
      // Built on first use: most polls never log.
      get log() {
        return (jobLog ??= jobLogger(log, job))
      },
      tmpDir: deps.tmpDir,
      ...(deps.fetchReference ? { fetchReference: deps.fetchReference } : {}),
      ...(deps.callbackBaseUrl ? { callbackUrl: `${deps.callbackBaseUrl}/internal/callbacks/${route.channel.id}?job=${job.id}` } : {}),
    })
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
    if (ok) deps.events?.emit('terminal', { id: row.id })
  }

  /** Fails the job (releasing its hold); false when someone else decided first. */
  async function fail(row: JobsTable, code: JobErrorCode, message: string, detail: string | null): Promise<void> {
    const ok = await tx.fail(row, code, message, detail, clock.now())
    if (ok) log.info({ ...jobIds(row), channel: row.channel, status: 'failed', code }, 'job failed')
    terminal(ok, row)
  }

  /** Stores the outputs and commits `succeeded` + capture; a lost race deletes what was stored. */
  async function finish(row: JobsTable, route: Route, outputs: Parameters<typeof storeOutputs>[2], actualCost?: number, patch?: JobPatch): Promise<void> {
    const stored = await storeOutputs(deps, row, outputs)
    const render = actualCost ?? (deps.prices && renderedCost(deps.prices, row, stored))
    const ok = await tx.succeed(row, stored, settledCost(row.price, render, parseRecord(row.promptPipeline ?? null)), clock.now(), patch)
    if (!ok) {
      // Someone else decided first (cancel, deadline, a newer lease): keep nothing, charge nothing.
      await Promise.all(stored.map((s) => deps.storage.delete(s.key).catch(() => undefined)))
      log.warn({ ...jobIds(row), channel: route.channel.id }, 'late success ignored: the job was already settled')
    } else {
      log.info({ ...jobIds(row), channel: route.channel.id, status: 'succeeded' }, 'job succeeded')
    }
    terminal(ok, row)
  }

  return { deps, tx, timed, ctxFor, loadInputs, providerJob, fail, finish }
}

export type StepContext = ReturnType<typeof createStepContext>
