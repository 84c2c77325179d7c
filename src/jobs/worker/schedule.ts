import { resolveModel } from '../../catalog/models.js'
import { nextPollDelayMs } from '../../domain/poll-schedule.js'
import type { Provider } from '../../providers/provider.js'
import type { JobLane, JobsTable } from '../../store/schema.js'

/** The lane a job's polls run in once this provider has it. */
export function laneOf(provider: Provider): JobLane {
  return provider.capabilities?.local ? 'steps' : 'polls'
}

/** The model's typical run time as stored at submit; jobs from before migration 0014 ask the catalog. */
function typicalMs(row: Pick<JobsTable, 'model' | 'pollTypicalMs'>): number {
  return row.pollTypicalMs ?? resolveModel(row.model)?.typicalMs ?? 60_000
}

/** When to poll a job `polls` polls after its acceptance (a local render is looked at at once). */
export function pollDelayMs(row: Pick<JobsTable, 'model' | 'pollTypicalMs'>, provider: Provider, polls: number): number {
  if (polls === 0 && provider.capabilities?.local) return 0
  return nextPollDelayMs(typicalMs(row), polls)
}
