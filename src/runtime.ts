import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { createAccounts } from './accounts/accounts.js'
import { createPeople } from './accounts/people.js'
import { createMailer } from './mail/mailer.js'
import { loadPriceBook } from './catalog/prices.js'
import { systemClock, type Clock } from './domain/clock.js'
import { createJobService } from './jobs/job-service.js'
import { createWorker } from './jobs/worker.js'
import { createUploads } from './jobs/uploads.js'
import { createStoredFiles } from './jobs/stored-files.js'
import { createMemoryLimiter } from './api/limits.js'
import { createStudioProvider } from './providers/studio/index.js'
import type { Router } from './providers/registry.js'
import { createRouter } from './providers/index.js'
import { createFetchReference } from './providers/fetch-reference.js'
import { loadChannels } from './providers/channels.js'
import { loadPromptConfig } from './prompts/prompt-config.js'
import { createPromptStage } from './prompts/stage.js'
import { createFsStorage } from './storage/fs-storage.js'
import { openStore } from './store/db.js'
import { migrateToLatest } from './store/migrate.js'
import { loadOrCreateSecret } from './store/secrets.js'
import { loadSecretKeys } from './secrets/key-source.js'
import { resealSecrets } from './secrets/reseal.js'
import { createNotifier, type Channel } from './store/notify.js'
import { createRedisRevocations, RevocationEvents } from './accounts/revocations.js'
import { noMetrics } from './metrics/no-metrics.js'
import { laneBacklog } from './store/jobs/index.js'
import { findLedgerMismatches } from './ledger/doctor.js'
import { checkSubmitUrl, reachesThisServer } from './net/submit-urls.js'
import { safeFetch } from './net/safe-fetch.js'
import { DIALECTS } from './api/dialects/index.js'
import { createWebhookEndpoints } from './webhooks/endpoints.js'
import { createWebhookDispatcher } from './webhooks/dispatcher.js'
import { createDeliveryLog } from './webhooks/delivery-log.js'
import { createCallbackHandler } from './jobs/callbacks.js'
import { createWebhookRenderer } from './webhooks/render.js'
import { createJobEvents } from './jobs/job-events.js'
import { cancelUpstreamOnCancel } from './jobs/cancel-upstream.js'
import type { AppDeps } from './api/deps.js'
import type { Config } from './config.js'
import { createReferenceFetcher } from './jobs/references/fetch.js'
import { createInspector } from './jobs/references/inspect.js'
import { createReferenceIntake } from './jobs/references/intake.js'
import { deleteUnreferenced } from './jobs/references/job-inputs.js'
import { createOwnFileReader } from './storage/own-files.js'

export interface RuntimeOptions {
  clock?: Clock
  /** Overrides where jobs run (tests plug fake upstreams in here). */
  router?: Router
  logger?: pino.Logger
  workerId?: string
  /** Where channel API keys are read from (default: process.env). */
  env?: Record<string, string | undefined>
}

/** Wires the store, services and worker from one config; shared by `main.ts`, the CLI and tests. */
export async function createRuntime(config: Config, opts: RuntimeOptions = {}) {
  const clock = opts.clock ?? systemClock
  const log = opts.logger ?? pino({ level: config.REELAY_LOG_LEVEL })
  // Before the store opens: a bad key setting stops the start without touching the database.
  const keys = loadSecretKeys(config)
  const store = openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, synchronous: config.REELAY_SQLITE_SYNCHRONOUS, poolSize: config.REELAY_DB_POOL_SIZE, busyTimeoutMs: config.REELAY_SQLITE_BUSY_TIMEOUT_MS })
  await migrateToLatest(store.db, store.caps.dialect)
  const prices = loadPriceBook(config.pricesFile)
  const notifier = createNotifier(store, config.DATABASE_URL)
  const events = createJobEvents((event, err) => log.error({ event, err: String(err) }, 'a job event handler failed'))
  if (keys.createdFile) log.info({ file: keys.createdFile }, 'generated the secret key file; back it up, and give every process of this deployment the same key')
  if (keys.looseFile) log.warn({ file: keys.looseFile }, 'the secret key file is readable by other users; chmod 600 it')
  const secretBox = keys.box
  // Opening the file-link key checks the secret key: a wrong one stops the start here.
  const fileUrlSecret = await loadOrCreateSecret(store, 'file-urls', secretBox).catch(async (err: unknown) => {
    await store.close()
    throw err
  })
  const { resealed } = await resealSecrets(store, secretBox, 'legacy')
  if (resealed > 0) log.info({ resealed }, 'encrypted secrets an older version stored in clear text')
  // The AWS SDK is large: loaded only when S3 is configured.
  const s3 = config.REELAY_S3_BUCKET
    ? (await import('./storage/s3-storage.js')).createS3Storage(
        {
          bucket: config.REELAY_S3_BUCKET,
          endpoint: config.REELAY_S3_ENDPOINT,
          region: config.REELAY_S3_REGION,
          accessKeyId: config.REELAY_S3_ACCESS_KEY_ID,
          secretAccessKey: config.REELAY_S3_SECRET_ACCESS_KEY,
          forcePathStyle: config.REELAY_S3_FORCE_PATH_STYLE,
        },
        clock,
      )
    : null
  // Convenient for MinIO and local setups; on AWS the bucket normally exists already.
  await s3?.ensureBucket().catch((err: unknown) => log.warn({ err: String(err) }, 'could not check or create the S3 bucket'))
  const storage = s3 ?? createFsStorage({ root: path.join(config.dataDir, 'files'), publicUrl: config.publicUrl, secret: fileUrlSecret })
  const redisRevocations = await createRedisRevocations(config.REDIS_URL)
  const accounts = createAccounts(store, clock, {
    maxBalance: config.REELAY_MAX_BALANCE,
    onRevoked: async (keyId) => {
      await redisRevocations?.publish(keyId).catch((err: unknown) => log.warn({ keyId, err: String(err) }, 'could not publish a key revocation on Redis; other processes drop the key within the auth cache lifetime'))
    },
  })
  const revocations = new RevocationEvents()
  function revokedElsewhere(keyId: string): void {
    accounts.evictKey(keyId)
    revocations.emit('revoked', keyId)
  }
  const urlPolicy = { allowPrivate: config.REELAY_ALLOW_PRIVATE_URLS }
  const studio = createStudioProvider({ latencyMs: config.REELAY_STUDIO_LATENCY_MS, failureRate: config.REELAY_STUDIO_FAILURE_RATE })
  const channels = loadChannels(config.REELAY_CHANNELS_FILE, opts.env ?? process.env)
  const ownFiles = createOwnFileReader({ storage, publicUrl: config.publicUrl, secret: fileUrlSecret, nowSec: () => Math.floor(clock.now() / 1000) })
  const router = opts.router ?? createRouter({ channels, studio, store, clock })
  const promptConfig = loadPromptConfig(config.REELAY_CHANNELS_FILE, opts.env ?? process.env, config.REELAY_LEASE_MS)
  let prompts: ReturnType<typeof createPromptStage> | undefined
  // The LLM channel's breaker sits beside the upstream channels' (a 429 back-off counts as open).
  const llmBreaker = () => {
    const h = prompts?.health()
    return h ? [{ channel: h.channel, state: h.state === 'rate-limited' ? ('open' as const) : h.state }] : []
  }
  const metrics =
    config.REELAY_METRICS === 'off'
      ? noMetrics
      : (await import('./metrics/metrics.js')).createMetrics({
          now: () => clock.now(),
          laneBacklog: (lane) => laneBacklog(store.db, clock.now(), lane),
          breakerStates: () => [...(router.breakerStates?.() ?? []), ...llmBreaker()],
          ledgerMismatches: async () => (await findLedgerMismatches(store.db)).length,
        })
  let worker: ReturnType<typeof createWorker> | null = null
  const ownerId = opts.workerId ?? `${os.hostname()}:${process.pid}`
  const endpoints = createWebhookEndpoints(store, clock, config.REELAY_WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000, secretBox)
  const uploads = createUploads({ store, storage, clock, graceMs: config.REELAY_UPLOAD_GRACE_SECONDS * 1_000, log: log.child({ component: 'uploads' }) })
  const discardInputs = (keys: string[]) => deleteUnreferenced(store.db, storage, keys, (k) => intake.forget(k))
  const intake = createReferenceIntake({
    fetcher: createReferenceFetcher({
      policy: urlPolicy,
      timeoutMs: config.REELAY_REFERENCE_TIMEOUT_MS,
      maxBytes: config.REELAY_REFERENCE_MAX_BYTES,
      concurrency: config.REELAY_REFERENCE_CONCURRENCY,
      perAccount: config.REELAY_REFERENCE_ACCOUNT_CONCURRENCY,
    }),
    inspect: createInspector({ tmpDir: path.join(config.dataDir, 'tmp'), concurrency: Math.max(2, os.availableParallelism()) }),
    storage,
    clock,
    cacheTtlMs: config.REELAY_REFERENCE_CACHE_SECONDS * 1000,
    maxBytes: config.REELAY_REFERENCE_MAX_BYTES,
    ownKey: ownFiles.keyOf,
    discard: discardInputs,
  })
  const nodeRegion = config.REELAY_REGION
  const regionNames = [...new Set([...channels.flatMap((c) => (c.region ? [c.region] : [])), ...(nodeRegion ? [nodeRegion] : [])])]
  // Submits, job outcomes and webhook outcomes each share commits this way (store/group-commit.ts).
  const groupCommit = { windowMs: config.REELAY_GROUP_COMMIT_MS, maxBatch: config.REELAY_GROUP_COMMIT_MAX }
  const jobs = createJobService({
    store,
    clock,
    nodeRegion,
    regions: regionNames,
    prices,
    prompts: promptConfig,
    storage,
    uploads,
    files: createStoredFiles({ store, storage, log: log.child({ component: 'files' }) }),
    idempotencyTtlMs: config.REELAY_IDEMPOTENCY_TTL_HOURS * 3_600_000,
    resultUrlTtlSec: config.REELAY_RESULT_URL_TTL_SECONDS,
    intake,
    discardInputs,
    onInputDeleted: (k) => intake.forget(k),
    checkUrl: (u, use) => checkSubmitUrl(u, use, { policy: urlPolicy, publicUrl: config.publicUrl, fileUrlSecret, nowSec: () => Math.floor(clock.now() / 1000) }),
    events,
    syncPollMs: config.REELAY_SYNC_POLL_MS,
    groupCommit,
  })
  worker = createWorker({
    store,
    clock,
    router,
    storage,
    log: log.child({ component: 'worker' }),
    ownerId,
    events,
    maintenance: async () => {
      await jobs.sweepIdempotencyKeys()
      await uploads.sweep().catch((err: unknown) => log.error({ err: String(err) }, 'upload sweep failed'))
    },
    prices,
    prompts: (prompts = createPromptStage(promptConfig, clock, log.child({ component: 'prompts' }), metrics)),
    ...(metrics.registry ? { metrics } : {}),
    inputUrlTtlSec: config.REELAY_RESULT_URL_TTL_SECONDS,
    leaseMs: config.REELAY_LEASE_MS,
    concurrency: config.REELAY_WORKER_CONCURRENCY,
    pollConcurrency: config.REELAY_POLL_CONCURRENCY,
    idleMs: config.REELAY_WORKER_IDLE_MS,
    groupCommit,
    tmpDir: path.join(config.dataDir, 'tmp'),
    callbackBaseUrl: config.publicUrl,
    fetchReference: createFetchReference({ policy: urlPolicy, readOwn: ownFiles.read }),
    download: async (url) =>
      (await safeFetch(url, { policy: urlPolicy, timeoutMs: 120_000, maxBytes: 512 * 1024 * 1024, followRedirects: 3, acceptMime: ['image/', 'video/', 'application/octet-stream'] })).body,
  })
  const dispatcher = createWebhookDispatcher({
    store,
    clock,
    log: log.child({ component: 'webhooks' }),
    endpoints,
    ownerId,
    scheduleMs: config.REELAY_WEBHOOK_SCHEDULE,
    concurrency: config.REELAY_WEBHOOK_CONCURRENCY,
    timeoutMs: config.REELAY_WEBHOOK_TIMEOUT_MS,
    leaseMs: Math.max(config.REELAY_LEASE_MS, config.REELAY_WEBHOOK_TIMEOUT_MS * 2),
    policy: urlPolicy,
    onOutcome: (outcome) => metrics.webhookOutcome(outcome),
    groupCommit,
    isSelf: (u) => reachesThisServer(u, config.publicUrl),
    events,
    ...createWebhookRenderer({ store, dialects: DIALECTS, resultOutputs: (job) => jobs.resultOutputs(job) }),
  })
  cancelUpstreamOnCancel({ events, router, clock, log, tmpDir: path.join(config.dataDir, 'tmp') })
  notifier.relay(events)
  const callbacks = createCallbackHandler({ store, router, clock, onHint: () => worker?.wake(), log })
  const deliveryLog = createDeliveryLog(store, clock, () => dispatcher.wake())
  const redisLimiter = config.REDIS_URL ? await (await import('./api/redis-limiter.js')).createRedisLimiter(config.REDIS_URL) : null
  const mailer = createMailer(config, log.child({ component: 'mail' }))
  const people = createPeople(store, clock, config, mailer)
  const appDeps: AppDeps = {
    config,
    clock,
    store,
    accounts,
    jobs,
    prices,
    limiter: redisLimiter ?? createMemoryLimiter(),
    fileUrlSecret,
    webhooks: { endpoints, log: deliveryLog },
    callbacks,
    metrics,
    people,
    channels: { list: channels, breakerStates: () => router.breakerStates?.() ?? [] },
    regions: { node: nodeRegion ?? null, list: () => router.regions?.() ?? [] },
  }
  /**
   * Every process listens for key revocations; worker processes also for submits and cancels
   * made by any API process, so they wake at once.
   */
  async function listen(role: 'api' | 'worker' | 'all' = 'all'): Promise<void> {
    const channels: Channel[] = role === 'worker' ? ['reelay_jobs', 'reelay_webhooks'] : role === 'api' ? ['reelay_keys'] : ['reelay_jobs', 'reelay_webhooks', 'reelay_keys']
    await notifier.listen(channels, (ch, payload) => {
      if (ch === 'reelay_keys') revokedElsewhere(payload)
      else if (ch === 'reelay_jobs') worker?.wake()
      else dispatcher.wake()
    })
    if (role !== 'worker') await redisRevocations?.subscribe(revokedElsewhere)
  }
  async function close(): Promise<void> {
    await notifier.close()
    await redisRevocations?.close()
    await redisLimiter?.close()
    mailer?.close()
    await store.close()
  }
  return { config, clock, log, store, prices, storage, accounts, people, jobs, worker, dispatcher, endpoints, secretBox, revocations, appDeps, listen, close }
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>
