import type { Clock } from '../domain/clock.js'
import type { CanonicalParams, JobType } from '../domain/params.js'
import type { CallbackContext, CallbackRequest } from './http/json-client.js'
import type { ProviderError } from './failure.js'
import type { ProviderHttp } from './http/index.js'

export { PROVIDER_FAILURES, ProviderError, type ProviderErrorKind, type ProviderFailure } from './failure.js'

/** What a provider sees of a job: never the account, the key or the ledger. */
export interface ProviderJob {
  id: string
  model: string
  type: JobType
  params: CanonicalParams
  /** Unix ms when the worker first submitted this job upstream; set once accepted. */
  submittedAt: number | null
  /** The references as fetched and stored at submit (already in `params` as signed links); loaded on first call. */
  inputs?: () => Promise<ProviderInput[]>
}

/** One stored reference of a job. */
export interface ProviderInput {
  /** The canonical field it fills (`firstFrameUrl`, `referenceImageUrls`, …) and its index there. */
  slot: string
  index: number
  kind: 'image' | 'video' | 'audio'
  mime: string
  width: number | null
  height: number | null
  durationSec: number | null
  hasAudio: boolean
  /** A signed, expiring link to the stored copy. */
  url: string
  read(): Promise<Buffer>
}

/** The channel a job runs on: upstream address, credentials and model mapping. */
export interface ChannelConfig {
  id: string
  provider: string
  baseUrl: string
  /** The secret itself, read from the environment; never logged or stored. */
  apiKey: string
  /** Our model id → the upstream's model id. */
  models: Record<string, string>
  options: Record<string, unknown>
  /** The prompt language the upstream prefers; absent: prompts are sent in the customer's language. */
  language?: string | undefined
}

export interface ProviderLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** A reference's bytes and declared type, as fetched for an adapter that uploads it. */
export interface ReferenceBytes {
  bytes: Uint8Array
  mime: string
}

/**
 * Fetches a customer's reference for an adapter: this server's own stored files from storage,
 * anything else through the SSRF guard with the operator's limits. The only way an adapter
 * reads a reference URL; there is no unguarded fallback.
 */
export type FetchReference = (url: string) => Promise<ReferenceBytes>

export interface ProviderContext {
  channel: ChannelConfig
  clock: Clock
  log: ProviderLogger
  /** Every upstream call goes through this, bound to `channel` and `signal` (`providers/http/`). */
  http: ProviderHttp
  /** Present where the worker runs jobs; an adapter that needs it without it fails the step as misconfigured. */
  fetchReference?: FetchReference
  /** A directory the provider may write temporary output files into. */
  tmpDir: string
  /** Where upstream callbacks for this job should be sent, when the operator exposes one. */
  callbackUrl?: string
  signal?: AbortSignal
}

/** One output of a finished job, before Reelay stores it. */
export type ProviderOutput =
  | { kind: 'url'; url: string; mime?: string }
  | { kind: 'bytes'; bytes: Uint8Array; mime: string }
  | { kind: 'file'; path: string; mime: string }

export type SubmitResult =
  | { upstreamId: string }
  | { upstreamId: string; outputs: ProviderOutput[] }

export type PollResult =
  /** `nextPollMs` lets a provider that knows better (e.g. a simulated latency) shape the schedule. */
  | { state: 'queued' | 'running'; progress?: number; nextPollMs?: number }
  | { state: 'succeeded'; outputs: ProviderOutput[]; actualCost?: number }
  | { state: 'failed'; error: ProviderError }

/**
 * What an adapter can do, as data: the registry and the worker read these instead of knowing
 * providers by name.
 */
export interface ProviderCapabilities {
  /** Renders in this process (CPU-bound): its tasks run in the steps lane and are polled at once. */
  local?: boolean
}

export interface Provider {
  readonly name: string
  readonly capabilities?: ProviderCapabilities
  /** Sends the job upstream. Must not be called twice for one attempt. */
  submit(job: ProviderJob, ctx: ProviderContext): Promise<SubmitResult>
  /** Asks the upstream where the job is. Never called because a customer polled. */
  get(upstreamId: string, job: ProviderJob, ctx: ProviderContext): Promise<PollResult>
  /** Best effort; upstreams that cannot cancel simply resolve. */
  cancel(upstreamId: string, ctx: ProviderContext): Promise<void>
  /**
   * For an ambiguous submit (timeout): finds the upstream task if it exists, so a retry never
   * bills twice. Returns null when the upstream proves it has no such task.
   */
  findExisting?(job: ProviderJob, ctx: ProviderContext): Promise<{ upstreamId: string } | null>
  /**
   * Reads an upstream callback (verifying its signature where the upstream signs). It only names
   * the task; the worker then re-fetches it, so a forged callback can at most cause one poll.
   */
  parseCallback?(req: CallbackRequest, ctx: CallbackContext): { upstreamId: string } | null
}
