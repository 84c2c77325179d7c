import type { Reelay, RequestOptions } from '../client.js'
import type { WaitOptions } from './jobs.js'
import type { CreatedJob, ImageCreateParams, JobResult, VideoCreateParams } from '../types.js'

export interface CreateOptions extends RequestOptions {
  /** Your own key for this logical request; by default a new one is made, and kept across retries. */
  idempotencyKey?: string
}

/**
 * Submits a job. The Idempotency-Key is fixed before the first attempt, so the retries of one
 * call can only ever return the job that call made.
 */
function create(client: Reelay, path: string, params: object, opts: CreateOptions): Promise<CreatedJob> {
  const key = opts.idempotencyKey ?? client.newIdempotencyKey()
  return client.request<CreatedJob>('POST', path, { ...opts, body: params, headers: { ...opts.headers, 'idempotency-key': key } })
}

class Generator<P extends object> {
  constructor(
    protected readonly client: Reelay,
    private readonly path: string,
  ) {}

  create(params: P, opts: CreateOptions = {}): Promise<CreatedJob> {
    return create(this.client, this.path, params, opts)
  }

  /** Creates, waits (with progress) and returns the outputs; `JobFailedError` if the job fails. */
  async createAndWait(params: P, opts: CreateOptions & WaitOptions = {}): Promise<JobResult> {
    const job = await this.create(params, opts)
    return this.client.jobs.waitForResult(job.jobId, opts)
  }
}

export class Videos extends Generator<VideoCreateParams> {
  constructor(client: Reelay) {
    super(client, '/v1/videos/generate')
  }
}

export class Images extends Generator<ImageCreateParams> {
  constructor(client: Reelay) {
    super(client, '/v1/images/generate')
  }
}
