import { describe, expect, it } from 'vitest'
import { failurePlan } from '../../../src/jobs/worker/failure-policy.js'

describe('failure policy', () => {
  it('fails over a refused submit, and backs off a failed poll on the channel that has the task', () => {
    expect(failurePlan('retryable', true)).toEqual({ action: 'fail-over', otherwise: 'retry-all' })
    expect(failurePlan('retryable', false)).toEqual({ action: 'back-off' })
  })

  it('never moves an ambiguous submit: the upstream may have it', () => {
    expect(failurePlan('unknown', true)).toEqual({ action: 'back-off' })
    expect(failurePlan('unknown', false)).toEqual({ action: 'back-off' })
  })

  it('fails the customer’s fault at once, wherever it ran', () => {
    expect(failurePlan('user', true)).toEqual({ action: 'fail', cause: 'provider' })
    expect(failurePlan('user', false)).toEqual({ action: 'fail', cause: 'provider' })
  })

  it('tries another channel after a configuration error at submit, and fails a job that is already upstream', () => {
    expect(failurePlan('config', true)).toEqual({ action: 'fail-over', otherwise: 'fail' })
    expect(failurePlan('config', false)).toEqual({ action: 'fail', cause: 'no-channel' })
  })
})
