import type { ProviderErrorKind } from '../../providers/provider.js'

/**
 * What a failed step does next, by the provider's error kind and whether it was a submit (no
 * upstream task yet) or a poll (an upstream has the task).
 * - `back-off`: try the same channel again later.
 * - `fail-over`: move to another channel at once; with none left, `otherwise`: start over on
 *   every channel after a back-off (`retry-all`), or fail the job (`fail`).
 * - `fail`: the job fails and its hold is released.
 */
export type FailurePlan = { action: 'back-off' } | { action: 'fail-over'; otherwise: 'retry-all' | 'fail' } | { action: 'fail'; cause: 'provider' | 'no-channel' }

export function failurePlan(kind: ProviderErrorKind, submitting: boolean): FailurePlan {
  switch (kind) {
    // A refused submit proves the upstream did not take the job; a failed poll does not.
    case 'retryable':
      return submitting ? { action: 'fail-over', otherwise: 'retry-all' } : { action: 'back-off' }
    // The upstream may have the job: stay on this channel and check before resubmitting.
    case 'unknown':
      return { action: 'back-off' }
    // The customer's input or content: no channel would do better.
    case 'user':
      return { action: 'fail', cause: 'provider' }
    // Auth or configuration: another channel may work; a job already upstream cannot move.
    case 'config':
      return submitting ? { action: 'fail-over', otherwise: 'fail' } : { action: 'fail', cause: 'no-channel' }
    default:
      return unreachable(kind)
  }
}

function unreachable(kind: never): never {
  throw new Error(`unhandled provider error kind ${String(kind)}`)
}
