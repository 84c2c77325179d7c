import { JobFailedError, ReelayError, WaitTimeoutError } from '../errors.js'
import { retryAfterMs } from '../retry.js'
import type { Reelay, RequestOptions } from '../client.js'
import type { Job, JobListParams, JobPage, JobResult, ResultOrPending } from '../types.js'

export interface WaitOptions {
  /** Called with the job whenever its status or progress changes. */
  onProgress?: (job: Job) => void
  /** Stops waiting (rejecting with the signal's reason); the job keeps running. */
  signal?: AbortSignal | undefined
  /** Give up after this many ms with `WaitTimeoutError`; the job keeps running. */
  timeout?: number
  /** First poll interval in ms (default 1000); it grows ×1.5 while nothing changes, up to `maxPollInterval`. */
  pollInterval?: number
  /** Default 10 000 ms. */
  maxPollInterval?: number
}

export interface DownloadOptions extends RequestOptions {
  /** Which output (default 0). */
  index?: number
}

export interface DownloadedFile {
  path: string
  bytes: number
  mimeType: string
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled'])

/** The wait the server hints at for the next poll, in ms, if any. */
function pollHintMs(headers: Headers, nowMs: number): number | undefined {
  const ms = Number(headers.get('openai-poll-after-ms') ?? NaN)
  return Number.isFinite(ms) && ms >= 0 ? ms : retryAfterMs(headers, nowMs)
}

export class Jobs {
  constructor(private readonly client: Reelay) {}

  get(jobId: string, opts: RequestOptions = {}): Promise<Job> {
    return this.client.request<Job>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`, opts)
  }

  /** Cancels a queued or processing job (its hold is released); `ConflictError` once it finished. */
  cancel(jobId: string, opts: RequestOptions = {}): Promise<Job> {
    return this.client.request<Job>('POST', `/v1/jobs/${encodeURIComponent(jobId)}/cancel`, opts)
  }

  /** One page of jobs, newest first. */
  page(params: JobListParams = {}, opts: RequestOptions = {}): Promise<JobPage> {
    return this.client.request<JobPage>('GET', '/v1/jobs', { ...opts, query: { ...params } })
  }

  /** Every job, newest first, fetching the next page (by cursor) as the loop reaches it. */
  async *list(params: JobListParams = {}, opts: RequestOptions = {}): AsyncGenerator<Job, void, undefined> {
    let cursor = params.cursor
    for (;;) {
      const page = await this.page({ ...params, ...(cursor === undefined ? {} : { cursor }) }, opts)
      yield* page.data
      if (!page.hasMore || page.nextCursor === null) return
      cursor = page.nextCursor
    }
  }

  /** The stored outputs; `{ready: false}` while the job is queued or processing. */
  async result(jobId: string, opts: RequestOptions = {}): Promise<ResultOrPending> {
    const { data, status } = await this.client.requestWithMeta<Record<string, unknown>>('GET', `/v1/jobs/${encodeURIComponent(jobId)}/result`, opts)
    return (status === 202 ? { ...data, ready: false } : { ...data, ready: true }) as ResultOrPending
  }

  /**
   * Polls until the job finishes and returns it, whatever its end (check `status`). It follows the
   * server's poll hints and otherwise backs off. An abort or timeout stops the waiting only: it
   * never cancels the job.
   */
  async wait(jobId: string, opts: WaitOptions = {}): Promise<Job> {
    const { signal, timeout } = opts
    const start = this.client.now()
    const maxInterval = opts.maxPollInterval ?? 10_000
    let interval = opts.pollInterval ?? 1_000
    let seen = ''
    for (;;) {
      signal?.throwIfAborted()
      const { data: job, headers } = await this.client.requestWithMeta<Job>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`, { signal })
      const now = `${job.status}:${job.progress}`
      if (now !== seen) {
        seen = now
        opts.onProgress?.(job)
        interval = opts.pollInterval ?? 1_000
      } else {
        interval = Math.min(interval * 1.5, maxInterval)
      }
      if (TERMINAL.has(job.status)) return job
      let delay = pollHintMs(headers, this.client.now()) ?? interval
      if (timeout !== undefined) {
        const left = timeout - (this.client.now() - start)
        if (left <= 0) throw new WaitTimeoutError(jobId, job.status)
        delay = Math.min(delay, left)
      }
      await this.client.sleep(delay, signal)
    }
  }

  /** Waits, then returns the outputs; `JobFailedError` when the job failed or was cancelled. */
  async waitForResult(jobId: string, opts: WaitOptions = {}): Promise<JobResult> {
    const job = await this.wait(jobId, opts)
    if (job.status !== 'succeeded') throw new JobFailedError(job.jobId, job.status, job.error)
    const result = await this.result(jobId, { signal: opts.signal })
    if (!result.ready) throw new ReelayError(`Job ${jobId} succeeded but its result is not ready`)
    return result
  }

  /** An output's bytes, or streamed to the file `to` (Node only), returning its path and size. */
  download(jobId: string, opts: DownloadOptions & { to: string }): Promise<DownloadedFile>
  download(jobId: string, opts?: DownloadOptions): Promise<Uint8Array>
  async download(jobId: string, opts: DownloadOptions & { to?: string } = {}): Promise<Uint8Array | DownloadedFile> {
    const result = await this.result(jobId, opts)
    if (!result.ready) throw new ReelayError(`Job ${jobId} is still ${result.status}: wait for it first (jobs.wait)`)
    if (result.status !== 'succeeded') throw new JobFailedError(jobId, result.status, result.error)
    const index = opts.index ?? 0
    const output = result.outputs[index]
    if (!output) throw new ReelayError(`Job ${jobId} has ${result.outputs.length} output(s); there is no index ${index}`)
    const res = await this.client.fetchRaw('GET', output.url, { signal: opts.signal, maxRetries: opts.maxRetries, headers: { accept: '*/*' } })
    if (opts.to === undefined) return new Uint8Array(await res.arrayBuffer())
    // Imported here so the SDK still loads in a browser, where only the bytes form exists.
    const [{ createWriteStream }, { pipeline }, { Readable }] = await Promise.all([import('node:fs'), import('node:stream/promises'), import('node:stream')])
    if (!res.body) throw new ReelayError(`The output of job ${jobId} had no body`)
    const file = createWriteStream(opts.to)
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), file, { signal: opts.signal })
    return { path: opts.to, bytes: file.bytesWritten, mimeType: res.headers.get('content-type') ?? output.mimeType }
  }
}
