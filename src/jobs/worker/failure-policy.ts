import type { ProviderFailure } from '../../providers/failure.js'

/**
 * What a failed step does next, by the provider's failure class and whether it was a submit (no
 * upstream task yet) or a poll (an upstream has the task).
 * - `back-off`: try the same channel again later.
 * - `fail-over`: move to another channel at once; with none left, `otherwise`: start over on
 *   every channel after a back-off (`retry-all`), or fail the job (`fail`).
 * - `fail`: the job fails by the class's job code and its hold is released.
 */
export type FailurePlan = { action: 'back-off' } | { action: 'fail-over'; otherwise: 'retry-all' | 'fail' } | { action: 'fail' }

export function failurePlan(failure: ProviderFailure, submitting: boolean): FailurePlan {
  switch (failure) {
    // A refused submit proves the upstream did not take the job; a failed poll does not.
    case 'rate_limited':
    case 'upstream_unavailable':
    case 'upstream_bad_response':
    case 'output_unavailable':
    case 'unexpected':
      return submitting ? { action: 'fail-over', otherwise: 'retry-all' } : { action: 'back-off' }
    // The upstream may have the job: stay on this channel and check before resubmitting.
    case 'upstream_timeout':
    case 'upstream_unknown':
      return { action: 'back-off' }
    // The customer's input or content, or the generation itself: no channel would do better.
    case 'content_rejected':
    case 'invalid_input':
    case 'reference_unavailable':
    case 'generation_failed':
    case 'generation_timeout':
    case 'cancelled':
      return { action: 'fail' }
    // Auth or configuration: another channel may work; a job already upstream cannot move.
    case 'upstream_auth':
    case 'upstream_billing':
    case 'model_unavailable':
    case 'upstream_rejected':
    case 'misconfigured':
      return submitting ? { action: 'fail-over', otherwise: 'fail' } : { action: 'fail' }
    default:
      return unreachable(failure)
  }
}

function unreachable(failure: never): never {
  throw new Error(`unhandled provider failure ${String(failure)}`)
}
