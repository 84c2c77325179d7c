import type { paths } from './generated/openapi.js'

type JsonBody<P extends keyof paths, M extends 'post' | 'get'> = paths[P][M] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never
type Query<P extends keyof paths> = paths[P]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never

/** Request bodies and queries: generated from the server's OpenAPI document. */
export type VideoCreateParams = JsonBody<'/v1/videos/generate', 'post'>
export type ImageCreateParams = JsonBody<'/v1/images/generate', 'post'>
export type JobListParams = Omit<Query<'/v1/jobs'>, 'cursor'> & { cursor?: string }

export type JobStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled'
export type JobType = 'image' | 'video'

// TODO(#11): from the response schema
export interface Job {
  jobId: string
  status: JobStatus
  type: JobType
  model: string
  progress: number
  /** Credits held or charged for the job: exact integers. */
  chargedCredits: number
  createdAt: string
  startedAt: string | null
  completedAt: string | null
  error: { code: string; message: string } | null
}

// TODO(#11): from the response schema
export interface CreatedJob {
  jobId: string
  status: JobStatus
  type: JobType
  model: string
  chargedCredits: number
  /** True when the Idempotency-Key was seen before: this is the original job. */
  idempotentReplay: boolean
}

// TODO(#11): from the response schema
export interface JobOutput {
  url: string
  mimeType: string
  width: number | null
  height: number | null
  duration: number | null
  size: number | null
}

// TODO(#11): from the response schema
export interface JobResult {
  jobId: string
  status: JobStatus
  type: JobType
  model: string
  outputs: JobOutput[]
  error: { code: string; message: string } | null
}

// TODO(#11): from the response schema
export interface JobPage {
  data: Job[]
  nextCursor: string | null
  hasMore: boolean
}

// TODO(#11): from the response schema
export interface Usage {
  balance: number
  reserved: number
  available: number
  plan: { id: string; name: string }
  limits: { requestsPerMinute: number; maxActiveJobs: number; monthlyCreditQuota: number | null }
  usage: { periodStart: string; periodEnd: string; creditsUsed: number; jobs: number }
}

// TODO(#11): from the response schema (the quote route is the billing issue's)
export interface Quote {
  /** What the request would hold: an exact integer. */
  credits: number
  breakdown: { item: string; detail?: string; credits: number }[]
  /** The account's available credits now. */
  available: number
  /** The catalog model the request resolves to, and the route it was priced as. */
  model?: string
  for?: string
}

export type QuoteParams = ({ type: 'video' } & VideoCreateParams) | ({ type: 'image' } & ImageCreateParams)

/** `jobs.result` before the job has finished (the server answered 202). */
export interface PendingResult {
  ready: false
  jobId: string
  status: 'queued' | 'processing'
  progress: number
}

export type ResultOrPending = (JobResult & { ready: true }) | PendingResult
