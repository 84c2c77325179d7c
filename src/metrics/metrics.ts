import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Metrics, WebhookOutcome } from './no-metrics.js'

export { noMetrics, type Metrics, type WebhookOutcome } from './no-metrics.js'

/** Figures read when scraped rather than counted as they happen. */
export interface MetricSources {
  now(): number
  laneBacklog(lane: 'steps' | 'polls'): Promise<{ depth: number; oldestDueAt: number | null }>
  breakerStates(): Array<{ channel: string; state: 'closed' | 'half-open' | 'open' }>
  /** Accounts whose cached figures disagree with their ledger (as `reelay doctor` counts them). */
  ledgerMismatches(): Promise<number>
}

// Recomputing every account's ledger is a query per account: at most once a minute.
const LEDGER_CHECK_EVERY_MS = 60_000
const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const

/**
 * Labelled children looked up through nested maps, so recording a request allocates nothing
 * once its label values have been seen (prom-client's own `labels()` builds a key string per call).
 */
function cache2<A, B, C>(make: (a: A, b: B) => C): (a: A, b: B) => C {
  const outer = new Map<A, Map<B, C>>()
  return (a, b) => {
    let inner = outer.get(a)
    if (!inner) outer.set(a, (inner = new Map()))
    let c = inner.get(b)
    if (c === undefined) inner.set(b, (c = make(a, b)))
    return c
  }
}

export function createMetrics(src: MetricSources): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const httpTotal = new Counter({ name: 'reelay_http_requests_total', help: 'HTTP requests by route pattern, method and status.', labelNames: ['route', 'method', 'status'], registers })
  const httpSeconds = new Histogram({ name: 'reelay_http_request_duration_seconds', help: 'HTTP response time by route pattern and method.', labelNames: ['route', 'method'], registers })
  const upstreamSeconds = new Histogram({
    name: 'reelay_upstream_request_duration_seconds',
    help: 'Time of one upstream call (submit or status poll) by channel.',
    labelNames: ['channel', 'op'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  })
  const upstreamErrors = new Counter({ name: 'reelay_upstream_errors_total', help: 'Failed job steps by channel and error kind (retryable, unknown, user, config).', labelNames: ['channel', 'kind'], registers })
  const promptSeconds = new Histogram({
    name: 'reelay_prompt_pipeline_duration_seconds',
    help: 'Time the prompt pipeline (LLM translation and enhancement) added before a submit, by outcome.',
    labelNames: ['state'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
    registers,
  })
  const webhooks = new Counter({ name: 'reelay_webhook_deliveries_total', help: 'Webhook attempts by outcome: delivered, retry (will try again), failed (out of attempts), gone (410).', labelNames: ['outcome'], registers })

  new Gauge({
    name: 'reelay_lane_depth',
    help: 'Jobs due and waiting for a worker, per claim lane (steps: submits and renders; polls: upstream status checks).',
    labelNames: ['lane'],
    registers,
    async collect() {
      for (const lane of ['steps', 'polls'] as const) this.set({ lane }, (await src.laneBacklog(lane)).depth)
    },
  })
  new Gauge({
    name: 'reelay_lane_lag_seconds',
    help: 'How long the most overdue waiting job of a lane has been due (0 when none waits).',
    labelNames: ['lane'],
    registers,
    async collect() {
      const now = src.now()
      for (const lane of ['steps', 'polls'] as const) {
        const { oldestDueAt } = await src.laneBacklog(lane)
        this.set({ lane }, oldestDueAt === null ? 0 : Math.max(0, now - oldestDueAt) / 1_000)
      }
    },
  })
  new Gauge({
    name: 'reelay_breaker_state',
    help: "Circuit breaker of each upstream channel in this process: 0 closed, 1 half-open, 2 open.",
    labelNames: ['channel'],
    registers,
    collect() {
      this.reset()
      for (const b of src.breakerStates()) this.set({ channel: b.channel }, BREAKER_VALUE[b.state])
    },
  })
  let ledgerAt = -Infinity
  let ledgerValue = 0
  new Gauge({
    name: 'reelay_ledger_mismatches',
    help: 'Accounts whose cached balance or reservation disagrees with the ledger (reelay doctor); checked at most once a minute.',
    registers,
    async collect() {
      const now = src.now()
      if (now - ledgerAt >= LEDGER_CHECK_EVERY_MS) {
        ledgerValue = await src.ledgerMismatches()
        ledgerAt = now
      }
      this.set(ledgerValue)
    },
  })

  const http = cache2((route: string, method: string) => ({
    seconds: httpSeconds.labels(route, method),
    byStatus: new Map<number, Counter.Internal>(),
  }))
  const upstream = cache2((channel: string, op: string) => upstreamSeconds.labels(channel, op))
  const errors = cache2((channel: string, kind: string) => upstreamErrors.labels(channel, kind))

  return {
    registry,
    httpRequest(route, method, status, seconds) {
      const h = http(route, method)
      let c = h.byStatus.get(status)
      if (!c) h.byStatus.set(status, (c = httpTotal.labels(route, method, String(status))))
      c.inc()
      h.seconds.observe(seconds)
    },
    upstreamCall(channel, op, seconds) {
      upstream(channel, op).observe(seconds)
    },
    upstreamError(channel, kind) {
      errors(channel, kind).inc()
    },
    webhookOutcome(outcome) {
      webhooks.labels(outcome).inc()
    },
    promptPipeline(state, seconds) {
      promptSeconds.labels(state).observe(seconds)
    },
  }
}
