import { mkdirSync } from 'node:fs'
import { releaseLeases } from '../store/jobs/index.js'
import type { JobsTable } from '../store/schema.js'
import { jobIds } from './job-log.js'
import type { WorkerDeps } from './worker/deps.js'
import { createLanes } from './worker/lanes.js'
import { createFailureHandler } from './worker/on-failure.js'
import { createPollStep } from './worker/poll-step.js'
import { createStepContext } from './worker/step-context.js'
import { createSubmitStep } from './worker/submit-step.js'

export type { UpstreamMetrics, WorkerDeps } from './worker/deps.js'
export { renderedCost } from './worker/step-context.js'

/**
 * Claims due jobs with leases, submits them, polls them on their own schedule, stores their
 * outputs and settles credits. Runs in the API process by default, or alone (`--role worker`).
 * The steps live in `worker/`: submit, poll, and the failure policy.
 */
export function createWorker(deps: WorkerDeps) {
  const { store, clock, log } = deps
  mkdirSync(deps.tmpDir, { recursive: true })
  const sc = createStepContext(deps)
  const submitStep = createSubmitStep(sc)
  const pollStep = createPollStep(sc)
  const onError = createFailureHandler(sc)

  async function step(row: JobsTable): Promise<void> {
    try {
      if (row.upstreamId && row.status === 'processing') await pollStep(row)
      else await submitStep(row)
    } catch (err) {
      await onError(row, err).catch((e: unknown) => log.error({ ...jobIds(row), err: String(e) }, 'could not record a job failure'))
    }
  }

  async function sweep(): Promise<string[]> {
    const swept = await sc.tx.sweepDeadlines(clock.now())
    for (const j of swept) deps.events?.emit('terminal', { id: j.id })
    return swept.map((j) => j.id)
  }

  const lanes = createLanes(deps, step, sweep)
  const { steps, polls } = lanes
  deps.events?.on('submitted', () => {
    for (const l of lanes.all) l.wake()
  })

  return {
    async tick(): Promise<number> {
      return (await steps.tick()) + (await polls.tick())
    },
    wake(): void {
      for (const l of lanes.all) l.wake()
    },
    /** Runs both lanes until neither has anything due or running. */
    async drain(maxRounds = 1_000): Promise<void> {
      for (let i = 0; i < maxRounds; i++) {
        if ((await steps.drain()) + (await polls.drain()) === 0) return
      }
      throw new Error('worker did not settle')
    },
    start(): void {
      for (const l of lanes.all) l.start()
    },
    /** Forces a deadline sweep now; returns the ids it failed. */
    sweep,
    /** Stops claiming, lets running steps finish, then hands back any lease still held. */
    async stop(graceMs = 10_000): Promise<void> {
      await Promise.all(lanes.all.map((l) => l.stop(graceMs)))
      await releaseLeases(store.db, deps.ownerId)
    },
    get running(): number {
      return steps.running + polls.running
    },
  }
}

export type Worker = ReturnType<typeof createWorker>
