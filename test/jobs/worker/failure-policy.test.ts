import { describe, expect, it } from 'vitest'
import { failurePlan } from '../../../src/jobs/worker/failure-policy.js'
import { jobErrorTable } from '../../../src/errors.js'
import { PROVIDER_FAILURES, ProviderError, type ProviderFailure } from '../../../src/providers/failure.js'
import { UPSTREAM_NAMES } from '../../providers/support.js'

const CLASSES = Object.keys(PROVIDER_FAILURES) as ProviderFailure[]
const ofKind = (kind: string) => CLASSES.filter((c) => PROVIDER_FAILURES[c].kind === kind)

describe('failure policy', () => {
  it('fails over a refused submit, and backs off a failed poll on the channel that has the task', () => {
    for (const c of ofKind('retryable')) {
      expect(failurePlan(c, true), c).toEqual({ action: 'fail-over', otherwise: 'retry-all' })
      expect(failurePlan(c, false), c).toEqual({ action: 'back-off' })
    }
  })

  it('never moves an ambiguous submit: the upstream may have it', () => {
    for (const c of ofKind('unknown')) {
      expect(failurePlan(c, true), c).toEqual({ action: 'back-off' })
      expect(failurePlan(c, false), c).toEqual({ action: 'back-off' })
    }
  })

  it('fails the customer’s fault at once, wherever it ran', () => {
    for (const c of ofKind('user')) {
      expect(failurePlan(c, true), c).toEqual({ action: 'fail' })
      expect(failurePlan(c, false), c).toEqual({ action: 'fail' })
    }
  })

  it('tries another channel after a configuration error at submit, and fails a job that is already upstream', () => {
    for (const c of ofKind('config')) {
      expect(failurePlan(c, true), c).toEqual({ action: 'fail-over', otherwise: 'fail' })
      expect(failurePlan(c, false), c).toEqual({ action: 'fail' })
    }
  })

  it('covers every class, each of one of the four kinds', () => {
    expect(['retryable', 'unknown', 'user', 'config'].flatMap(ofKind).sort()).toEqual([...CLASSES].sort())
  })
})

describe('provider failure classes', () => {
  it('show a customer a documented job code and a message of their own, whatever the upstream said', () => {
    for (const c of CLASSES) {
      const e = new ProviderError(c, 'ark 500: GPU node 17 fell over, key sk-123')
      expect(e.publicMessage, c).not.toMatch(UPSTREAM_NAMES)
      expect(e.publicMessage, c).not.toContain('GPU node')
      expect(e.jobCode, c).toBe(PROVIDER_FAILURES[c].job)
      expect(Object.keys(jobErrorTable), c).toContain(e.jobCode)
    }
  })

  it('show an upstream that gave up on a task as the documented `timeout`', () => {
    expect(new ProviderError('generation_timeout').jobCode).toBe('timeout')
  })

  it('tell a customer that no channel could run the job when the fault is ours to configure', () => {
    for (const c of ofKind('config')) expect(new ProviderError(c).jobCode, c).toBe('service_unavailable')
  })
})
