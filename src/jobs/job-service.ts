import { AppError } from '../errors.js'
import { newId } from '../domain/ids.js'
import { priceImage, priceVideo } from '../domain/pricing.js'
import { DEFAULT_MODEL, resolveModel, type CatalogModel } from '../catalog/models.js'
import { fieldName, validateImage, validateVideo, type ImageInput, type ValidateOptions, type VideoInput } from '../catalog/validate.js'
import { planOf, type PriceBook } from '../catalog/prices.js'
import { ledger } from '../ledger/ledger.js'
import { enqueueWebhook } from '../webhooks/outbox.js'
import { loadJob, toJob, toViewedJob, type Job, type StoredOutput } from './job-model.js'
import { monthStart, nextMonthStart, prepareUsage } from './usage.js'
import type { AuthContext } from '../accounts/accounts.js'
import type { Clock } from '../domain/clock.js'
import type { CanonicalParams, JobType } from '../domain/params.js'
import { isTerminal, type JobStatus } from '../domain/job-status.js'
import type { Storage } from '../storage/storage.js'
import type { Store } from '../store/db.js'
import { createGroupCommit, DEFAULT_GROUP_COMMIT, type GroupCommitOptions } from '../store/group-commit.js'
import type { JobsTable } from '../store/schema.js'
import { cancelJob, countActiveJobs, getJob, getJobOutputs, getJobOwner, getOwnedJob, insertJob, markJobDeleted, prepareListJobs, preparePollJob, sumUnreleasedPrices } from '../store/jobs/index.js'
import type { StoredFiles } from './stored-files.js'
import type { JobEvents } from './job-events.js'
import type { Uploads } from './uploads.js'
import { assertReadableFiles, type FileRef } from './input-files.js'
import type { SubmitUrlVerdict, UrlUse } from '../net/submit-urls.js'
import { deleteJobInputs, toRow, type JobInput } from './references/job-inputs.js'
import { referenceItems, slotOf, sortMedia } from './references/slots.js'
import type { ReferenceIntake } from './references/intake.js'
import type { VideoParams } from '../domain/params.js'
import { DEFAULT_PROMPT_CONFIG, PROMPT_MODES, resolvePromptMode, type PromptConfig, type PromptMode } from '../prompts/prompt-config.js'
import { promptSurcharge, startRecord } from '../prompts/pipeline.js'
import { assertCanSpend, noticeLowBalance } from '../billing/account-state.js'
import { jobRegion, REGION_PATTERN, REGION_RULE } from '../domain/region.js'

export interface SubmitRequest {
  auth: AuthContext
  dialect: string
  type: JobType
  /** A catalog id or alias; the type's default model when absent. */
  model?: string | undefined
  input: VideoInput | ImageInput
  /** Canonical field → the dialect's field name, so validation errors name the client's field. */
  fields?: ValidateOptions['fields']
  idempotencyKey?: string | undefined
  /** Identifies the request body for idempotency; required with an idempotency key. */
  fingerprint?: string
  webhookUrl?: string | undefined
  /** Keys of this request's uploads; the job takes them in the transaction that creates it. */
  uploads?: string[]
  /** The API request's id, kept on the job for the worker's logs. */
  requestId?: string | undefined
  /** `raw`, `translate` or `enhance` (the dialect maps its own field); absent: the defaults decide. */
  promptMode?: unknown
  /** The region the job should run in; absent: the account's default, else this node's. */
  region?: string | undefined
}

export interface JobServiceDeps {
  store: Store
  clock: Clock
  prices: PriceBook
  storage: Storage
  /** Customers' uploads; deleted with their job. */
  uploads: Uploads
  /** Verified reads of stored files. */
  files: StoredFiles
  idempotencyTtlMs: number
  resultUrlTtlSec: number
  /** The submit-time URL rule (`net/submit-urls.ts`); without it only the scheme is checked. */
  checkUrl?: (url: string, use: UrlUse) => SubmitUrlVerdict
  /** Fetches, checks and stores references at submit; without it references are not fetched. */
  intake?: ReferenceIntake
  /** Deletes stored input objects no job row refers to (after a request that did not become a job). */
  discardInputs?: (keys: string[]) => Promise<void>
  /** Told when an input object is deleted, so caches stop pointing at it. */
  onInputDeleted?: (key: string) => void
  /** The LLM channel and prompt defaults (none: detection only). */
  prompts?: PromptConfig
  /** This node's region (REELAY_REGION): where a job with no other preference runs. */
  nodeRegion?: string | undefined
  /** Regions a request may ask for (those the channels name, and this node's); empty: any well-formed name. */
  regions?: readonly string[]
  /** Told `submitted` after a job commits and `cancelled` after a cancel commits (its webhook queued). */
  events?: JobEvents
  /** Longest pause between a synchronous wait's reads of the job (REELAY_SYNC_POLL_MS); default 250. */
  syncPollMs?: number
  /** How submits share commits (REELAY_GROUP_COMMIT_MS, REELAY_GROUP_COMMIT_MAX); default DEFAULT_GROUP_COMMIT. */
  groupCommit?: GroupCommitOptions
}

export interface ListQuery {
  status?: JobStatus | undefined
  type?: JobType | undefined
  cursor?: string | undefined
  limit?: number | undefined
}

export interface ResultOutput {
  url: string
  mimeType: string
  width: number | null
  height: number | null
  durationSec: number | null
  bytes: number
}

const MAX_IDEMPOTENCY_KEY = 255


/** The one job service every dialect calls: submit, get, list, cancel, result, usage. */
export function createJobService(deps: JobServiceDeps) {
  const { store, clock, prices } = deps
  const { db } = store
  // Requests between "key seen" and "commit": a duplicate arriving meanwhile gets a 409.
  const inFlight = new Set<string>()
  const groupCommit = createGroupCommit(store, deps.groupCommit ?? DEFAULT_GROUP_COMMIT)

  /** A webhook URL's broken rule, or null. */
  function webhookUrlRule(url: string): string | null {
    const v = deps.checkUrl?.(url, 'webhook')
    return v && !v.ok ? v.reason : null
  }

  function validate(type: JobType, modelName: string | undefined, req: SubmitRequest): { model: CatalogModel; params: CanonicalParams; price: number; files: FileRef[] } {
    const model = resolveModel(modelName ?? DEFAULT_MODEL[type])
    const modelField = req.fields?.model ?? 'model'
    if (!model) throw new AppError('invalid_request', `\`${modelField}\` is not a known model`, { field: modelField })
    if (model.type !== type) throw new AppError('invalid_request', `\`${modelField}\` ${model.id} is not ${type === 'image' ? 'an image' : 'a video'} model`, { field: modelField })
    const files: FileRef[] = []
    const check = deps.checkUrl
    const checkUrl = check
      ? (url: string, field: string) => {
          const v = check(url, 'reference')
          if (!v.ok) return v.reason
          if (v.fileKey) files.push({ field, key: v.fileKey })
          return null
        }
      : undefined
    const opts: ValidateOptions = { ...(req.fields ? { fields: req.fields } : {}), ...(checkUrl ? { checkUrl } : {}) }
    if (model.type === 'video') {
      const params = validateVideo(model, req.input as VideoInput, opts)
      return { model, params, price: priceVideo(prices, model.id, params, Math.max(...model.durations)), files }
    }
    const params = validateImage(model, req.input as ImageInput, opts)
    return { model, params, price: priceImage(prices, model.id, params), files }
  }

  /**
   * The job an Idempotency-Key already names (a replay), null when the key is free; a different
   * body is a conflict. An expired record is deleted when `trx` may write.
   */
  async function replayOf(trx: typeof db, req: SubmitRequest, key: string, now: number, purge: boolean): Promise<Job | null> {
    const rec = await trx.selectFrom('idempotencyKeys').selectAll().where('accountId', '=', req.auth.accountId).where('key', '=', key).executeTakeFirst()
    if (rec && rec.expiresAt > now) {
      if (rec.fingerprint !== req.fingerprint) {
        throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used with a different request body.', { field: 'Idempotency-Key' })
      }
      const row = await getJob(trx, rec.jobId)
      if (!row) throw new Error(`idempotency key ${key} names a missing job ${rec.jobId}`)
      return loadJob(trx, row)
    }
    if (rec && purge) await trx.deleteFrom('idempotencyKeys').where('accountId', '=', rec.accountId).where('key', '=', key).execute()
    return null
  }

  /**
   * Fetches and checks the request's references (before anything is held) and stores them.
   * References whose kind only their bytes tell (001 `media_urls`) are sorted into the lists
   * here, and the request is validated and priced again with them in place.
   */
  async function takeReferences(model: CatalogModel, params: CanonicalParams, price: number, req: SubmitRequest): Promise<{ params: CanonicalParams; price: number; inputs: JobInput[] }> {
    const items = referenceItems(model.type, params)
    if (items.length === 0 || !deps.intake) return { params, price, inputs: [] }
    const name = (f: string) => fieldName(req.fields, f)
    const taken = await deps.intake.take(req.auth.accountId, model, items, name)
    let moved: Record<string, string> = {}
    const media = (params as VideoParams).referenceMediaUrls
    if (media?.length) {
      const kinds = taken.filter((t) => t.item.field.startsWith('referenceMediaUrls[')).map((t) => t.media.kind)
      const sorted = sortMedia(params as VideoParams, kinds, req.fields ?? {}, name)
      try {
        ;({ params, price } = validate(model.type, model.id, { ...req, input: { ...(req.input as VideoInput), referenceMediaUrls: undefined, ...sorted.lists }, fields: sorted.fields }))
      } catch (err) {
        await deps.discardInputs?.(taken.map((t) => t.key))
        throw err
      }
      moved = sorted.moved
    }
    const inputs = taken.map((t): JobInput => {
      const { slot, index } = slotOf(moved[t.item.field] ?? t.item.field)
      const m = t.media
      return { slot, index, key: t.key, kind: m.kind, mime: m.mime, bytes: t.bytes, sha256: t.sha256, width: m.width, height: m.height, durationSec: m.durationSec, hasAudio: m.hasAudio }
    })
    return { params, price, inputs }
  }

  /** The job's prompt mode, its surcharge and the pipeline record it starts with. */
  async function promptPlan(req: SubmitRequest, model: CatalogModel, prompt: string) {
    const config = deps.prompts ?? DEFAULT_PROMPT_CONFIG
    let requested: PromptMode | undefined
    if (req.promptMode !== undefined) {
      const field = req.fields?.promptMode ?? 'promptMode'
      if (typeof req.promptMode !== 'string' || !(PROMPT_MODES as readonly string[]).includes(req.promptMode)) {
        throw new AppError('invalid_request', `\`${field}\` must be one of ${PROMPT_MODES.join(', ')}`, { field })
      }
      requested = req.promptMode as PromptMode
    }
    const account = requested ? undefined : await db.selectFrom('accounts').select('promptMode').where('id', '=', req.auth.accountId).executeTakeFirst()
    const accountMode = (PROMPT_MODES as readonly string[]).includes(account?.promptMode ?? '') ? (account?.promptMode as PromptMode) : null
    const mode = resolvePromptMode(config.settings, { request: requested, account: accountMode, plan: req.auth.plan, model: model.id })
    const surcharge = promptSurcharge(config, prices.prompt, mode)
    return { surcharge, record: await startRecord(config, prompt, mode, surcharge) }
  }

  async function findOwned(accountId: string, id: string): Promise<JobsTable | undefined> {
    return getOwnedJob(db, accountId, id)
  }

  function checkRegion(region: string | undefined): string | undefined {
    if (region === undefined) return undefined
    if (!REGION_PATTERN.test(region)) throw new AppError('invalid_request', `\`region\` must be ${REGION_RULE}`, { field: 'region' })
    const known = deps.regions ?? []
    if (known.length > 0 && !known.includes(region)) throw new AppError('invalid_request', `\`region\` must be one of ${known.join(', ')}`, { field: 'region' })
    return region
  }

  async function submit(req: SubmitRequest): Promise<{ job: Job; replay: boolean }> {
    const key = req.idempotencyKey
    if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
      throw new AppError('invalid_request', `\`Idempotency-Key\` must be 1–${MAX_IDEMPOTENCY_KEY} characters`, { field: 'Idempotency-Key' })
    }
    // Validation first: a rejected request records nothing, so a corrected retry with the same key works.
    const checked = validate(req.type, req.model, req)
    const { model, files } = checked
    const region = jobRegion(checkRegion(req.region), req.auth.region, deps.nodeRegion)
    const prompt = await promptPlan(req, model, checked.params.prompt)
    if (req.webhookUrl !== undefined) {
      const field = req.fields?.webhookUrl ?? 'webhookUrl'
      const broken = webhookUrlRule(req.webhookUrl)
      if (broken) throw new AppError('invalid_request', `\`${field}\` ${broken}`, { field })
    }
    await assertReadableFiles(store, req.auth.accountId, files)
    const flightKey = key === undefined ? undefined : `${req.auth.accountId}\u0000${key}`
    if (flightKey) {
      if (inFlight.has(flightKey)) throw new AppError('idempotency_conflict', 'A request with this Idempotency-Key is still being processed; retry shortly.', { field: 'Idempotency-Key', retryAfterSec: 1 })
      inFlight.add(flightKey)
    }
    let inputs: JobInput[] = []
    let committed = false
    try {
      // A replay answers from the record: nothing is downloaded again.
      if (key !== undefined) {
        const early = await replayOf(db, req, key, clock.now(), false)
        if (early) return { job: early, replay: true }
      }
      const taken = await takeReferences(model, checked.params, checked.price, req)
      const { params } = taken
      const price = taken.price + prompt.surcharge
      inputs = taken.inputs
      const outcome = await groupCommit(req.auth.accountId, async (trx) => {
        const now = clock.now()
        // Serialises this account's submits so the limit, quota and key checks below cannot race.
        await store.adapter.lockAccount(trx, req.auth.accountId)
        if (key !== undefined) {
          const replay = await replayOf(trx, req, key, now, true)
          if (replay) return { job: replay, replay: true }
        }
        await assertCanSpend(trx, req.auth.accountId)
        const plan = planOf(prices, req.auth.plan)
        if ((await countActiveJobs(trx, req.auth.accountId)) >= plan.maxActiveJobs) {
          throw new AppError('concurrency_limited', `At most ${plan.maxActiveJobs} jobs may be active at once on the ${plan.name} plan; wait for one to finish.`, { retryAfterSec: 5 })
        }
        if (plan.monthlyCreditQuota !== null) {
          const used = await sumUnreleasedPrices(trx, req.auth.accountId, monthStart(now))
          if (used + price > plan.monthlyCreditQuota) {
            throw new AppError('rate_limited', `This job would exceed the monthly quota of ${plan.monthlyCreditQuota} credits.`, {
              retryAfterSec: Math.ceil((nextMonthStart(now) - now) / 1000),
            })
          }
        }
        const id = newId('job', now)
        const row: JobsTable = {
          id,
          accountId: req.auth.accountId,
          apiKeyId: req.auth.apiKeyId,
          dialect: req.dialect,
          model: model.id,
          type: model.type,
          params: JSON.stringify(params),
          price,
          status: 'queued',
          progress: 0,
          errorCode: null,
          errorMessage: null,
          errorDetail: null,
          provider: null,
          channel: null,
          upstreamId: null,
          submitUncertain: 0,
          attempt: 0,
          pollCount: 0,
          leaseOwner: null,
          leaseExpiresAt: null,
          nextRunAt: now,
          deadlineAt: now + model.deadlineMs,
          outputs: null,
          webhookUrl: req.webhookUrl ?? null,
          createdAt: now,
          startedAt: null,
          finishedAt: null,
          updatedAt: now,
          deletedAt: null,
          refusedChannels: null,
          requestId: req.requestId ?? null,
          promptPipeline: JSON.stringify(prompt.record),
          lane: 'steps',
          pollTypicalMs: model.typicalMs,
          region,
        }
        await insertJob(trx, row)
        await deps.uploads.attach(trx, req.auth.accountId, id, req.uploads ?? [])
        if (inputs.length > 0) await trx.insertInto('jobInputs').values(inputs.map((i) => toRow(id, i, now))).execute()
        const held = await ledger.hold(trx, req.auth.accountId, id, price, now)
        if (!held.ok) {
          const f = await ledger.figures(trx, req.auth.accountId)
          const available = f?.available ?? 0
          throw new AppError('insufficient_credits', `This job costs ${price} credits but only ${available} are available.`, { details: { requiredCredits: price, availableCredits: available } })
        }
        await noticeLowBalance(trx, req.auth.accountId, now)
        if (key !== undefined) {
          await trx
            .insertInto('idempotencyKeys')
            .values({ accountId: req.auth.accountId, key, fingerprint: req.fingerprint ?? '', jobId: id, createdAt: now, expiresAt: now + deps.idempotencyTtlMs })
            .execute()
        }
        return { job: toJob(row, { held: price, captured: 0, released: 0 }), replay: false }
      })
      committed = !outcome.replay
      if (!outcome.replay) deps.events?.emit('submitted', { id: outcome.job.id })
      return outcome
    } catch (err) {
      // Another process committed the same key first: answer as its replay would.
      if (key !== undefined && store.adapter.isUniqueViolation(err)) {
        const rec = await db.selectFrom('idempotencyKeys').selectAll().where('accountId', '=', req.auth.accountId).where('key', '=', key).executeTakeFirst()
        if (rec && rec.fingerprint === req.fingerprint) {
          const row = await getJob(db, rec.jobId)
          if (row) return { job: await loadJob(db, row), replay: true }
        }
        throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used with a different request body.', { field: 'Idempotency-Key' })
      }
      throw err
    } finally {
      if (flightKey) inFlight.delete(flightKey)
      // Stored for a request that did not become a job (refused, or replayed meanwhile).
      if (!committed && inputs.length > 0) await deps.discardInputs?.(inputs.map((i) => i.key)).catch(() => undefined)
    }
  }

  const pollJob = preparePollJob(deps.store)
  const listPage = prepareListJobs(deps.store)
  const usageFor = prepareUsage(deps.store)

  /** The hot read of every status poll: one prepared statement for the row and its charges. */
  async function get(accountId: string, id: string): Promise<Job | null> {
    const row = await pollJob(accountId, id)
    return row ? toViewedJob(row) : null
  }

  /** True when the job exists but belongs to someone else (for dialects that answer 403). */
  async function existsElsewhere(accountId: string, id: string): Promise<boolean> {
    const owner = await getJobOwner(db, id)
    return owner !== undefined && owner !== accountId
  }

  async function list(accountId: string, q: ListQuery): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 100)
    const rows = await listPage(accountId, { status: q.status, type: q.type, before: q.cursor, limit })
    const page = rows.slice(0, limit).map(toViewedJob)
    return { jobs: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null }
  }

  async function cancel(accountId: string, id: string): Promise<Job> {
    const job: JobsTable = await db.transaction().execute(async (trx) => {
      const row = await getOwnedJob(trx, accountId, id, { withDeleted: true })
      if (!row) throw new AppError('not_found', 'No job with this id.')
      if (row.status !== 'queued' && row.status !== 'processing') {
        throw new AppError('job_not_cancellable', `The job is already ${row.status} and cannot be cancelled.`)
      }
      const now = clock.now()
      if (!(await cancelJob(trx, id, now))) throw new AppError('job_not_cancellable', 'The job finished while it was being cancelled.')
      await ledger.release(trx, accountId, id, row.price, 'cancelled', now)
      await enqueueWebhook(trx, row, 'job.cancelled', now)
      return (await getJob(trx, id))!
    })
    deps.events?.emit('cancelled', { id: job.id, channel: job.channel, upstreamId: job.upstreamId })
    return loadJob(db, job)
  }

  function resultOutputs(job: Job): ResultOutput[] {
    const expires = Math.floor(clock.now() / 1000) + deps.resultUrlTtlSec
    return job.outputs.map((o) => ({
      url: deps.storage.url(o.key, expires),
      mimeType: o.mime,
      width: o.width,
      height: o.height,
      durationSec: o.durationSec,
      bytes: o.bytes,
    }))
  }

  /** Like `resultOutputs`, after checking that every file is still there with its size. */
  async function verifiedResultOutputs(job: Job): Promise<ResultOutput[]> {
    await deps.files.check(job.id, job.outputs)
    return resultOutputs(job)
  }

  /** Deletes idempotency records past their expiry; jobs and ledger entries are never touched. */
  async function sweepIdempotencyKeys(): Promise<number> {
    const res = await db.deleteFrom('idempotencyKeys').where('expiresAt', '<=', clock.now()).executeTakeFirst()
    return Number(res.numDeletedRows)
  }

  // Sync waiters by job id: a job that ends in this process wakes its waiter at once.
  const waiters = new Map<string, Set<() => void>>()
  const wakeWaiters = ({ id }: { id: string }) => waiters.get(id)?.forEach((w) => w())
  deps.events?.on('terminal', wakeWaiters)
  deps.events?.on('cancelled', wakeWaiters)

  /**
   * Waits until the job is terminal or `timeoutMs` (real time) passes; returns the latest state.
   * Used by endpoints that answer synchronously. A job that ends in this process (the embedded
   * worker) wakes the wait through its event; the database poll between is for a job that ends
   * in another process.
   */
  async function waitForTerminal(accountId: string, id: string, timeoutMs: number, signal?: AbortSignal): Promise<Job | null> {
    const until = Date.now() + timeoutMs
    const longest = deps.syncPollMs ?? 250
    let delay = Math.min(20, longest)
    // Set by this job's event; `wakeUp` ends the current sleep early, and is a no-op while reading.
    let woken = false
    let wakeUp = (): void => {}
    const waiter = (): void => {
      woken = true
      wakeUp()
    }
    const set = waiters.get(id) ?? new Set()
    waiters.set(id, set.add(waiter))
    try {
      for (;;) {
        woken = false
        const job = await get(accountId, id)
        if (!job || isTerminal(job.status)) return job
        if (Date.now() >= until || signal?.aborted) return job
        // An event during the read above is not lost: it set `woken`, so read again at once.
        if (woken) continue
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer)
            signal?.removeEventListener('abort', done)
            wakeUp = () => {}
            resolve()
          }
          const timer = setTimeout(done, Math.min(delay, Math.max(0, until - Date.now())))
          signal?.addEventListener('abort', done)
          wakeUp = done
        })
        delay = Math.min(delay * 2, longest)
      }
    } finally {
      set.delete(waiter)
      if (set.size === 0) waiters.delete(id)
    }
  }

  /**
   * Deletes a job for the customer: cancels it (releasing its hold) when still active, removes
   * its stored outputs, and hides it from reads. Ledger entries are kept.
   */
  async function remove(accountId: string, id: string): Promise<void> {
    const row = await findOwned(accountId, id)
    if (!row) throw new AppError('not_found', 'No job with this id.')
    if (row.status === 'queued' || row.status === 'processing') {
      await cancel(accountId, id).catch((err: unknown) => {
        // Finished meanwhile: deleting it is still what the customer asked for.
        if (!(err instanceof AppError && err.code === 'job_not_cancellable')) throw err
      })
    }
    await markJobDeleted(db, accountId, id, clock.now())
    const outputs = row.outputs ? (JSON.parse(row.outputs) as StoredOutput[]) : []
    const latest = await getJobOutputs(db, id)
    const all = [...outputs, ...(latest ? (JSON.parse(latest) as typeof outputs) : [])]
    await Promise.all(all.map((o) => deps.storage.delete(o.key).catch(() => undefined)))
    await deps.uploads.removeForJob(id)
    await deleteJobInputs(db, deps.storage, id, deps.onInputDeleted)
  }

  /**
   * Validates and prices a request exactly as `submit` would hold it (prompt surcharge included),
   * writing and holding nothing: quotes. References whose kind only their bytes tell (001
   * `media_urls`) are not fetched, so they price as the images they are taken for here.
   */
  async function quote(req: SubmitRequest): Promise<{ model: CatalogModel; params: CanonicalParams; price: number; promptSurcharge: number }> {
    const checked = validate(req.type, req.model, req)
    const prompt = await promptPlan(req, checked.model, checked.params.prompt)
    return { model: checked.model, params: checked.params, price: checked.price + prompt.surcharge, promptSurcharge: prompt.surcharge }
  }

  return { checkUrl: webhookUrlRule, submit, get, existsElsewhere, list, cancel, remove, waitForTerminal, resultOutputs, verifiedResultOutputs, usage: (auth: AuthContext) => usageFor(prices, clock.now(), auth), sweepIdempotencyKeys, quote, storage: deps.storage, files: deps.files, uploads: deps.uploads }
}

export type JobService = ReturnType<typeof createJobService>
