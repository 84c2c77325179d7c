import { createClaimLoop } from '../claim-loop.js'
import { claimDueJobs } from '../claim.js'
import type { JobsTable } from '../../store/schema.js'
import type { WorkerDeps } from './deps.js'

const SWEEP_EVERY_MS = 5_000

/**
 * Two claim loops over the jobs table, so thousands of cheap upstream polls never wait behind a
 * render, and a burst of polls cannot start more renders than the CPU allows. The steps lane
 * also runs the deadline sweep and housekeeping.
 */
export function createLanes(deps: WorkerDeps, step: (row: JobsTable) => Promise<void>, sweep: () => Promise<unknown>) {
  const { clock, store, log } = deps
  let lastSweep = 0
  const steps = createClaimLoop({
    name: 'worker',
    concurrency: deps.concurrency,
    idleMs: deps.idleMs,
    log,
    async beforeClaim() {
      const now = clock.now()
      if (now - lastSweep < SWEEP_EVERY_MS) return
      lastSweep = now
      await sweep()
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
  return { steps, polls, all: [steps, polls] }
}
