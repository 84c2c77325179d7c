import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from '../../src/providers/circuit-breaker.js'

describe('circuit breaker', () => {
  it('opens after `threshold` consecutive failures and stays open for the cooldown', () => {
    const b = new CircuitBreaker(3, 10_000)
    b.failure(0)
    b.failure(1)
    expect(b.state(2)).toBe('closed')
    expect(b.allow(2)).toBe(true)
    b.failure(3)
    expect(b.state(4)).toBe('open')
    expect(b.allow(9_999)).toBe(false)
  })

  it('a success in between resets the count', () => {
    const b = new CircuitBreaker(2, 1_000)
    b.failure(0)
    b.success()
    b.failure(1)
    expect(b.state(2)).toBe('closed')
  })

  it('a hard failure (a refused key) opens it at once', () => {
    const b = new CircuitBreaker(5, 1_000)
    b.failure(0, true)
    expect(b.state(1)).toBe('open')
  })

  it('lets exactly one probe through after the cooldown; its success closes, its failure reopens', () => {
    const b = new CircuitBreaker(1, 1_000)
    b.failure(0)
    expect(b.state(1_000)).toBe('half-open')
    expect(b.allow(1_000)).toBe(true)
    expect(b.allow(1_001)).toBe(false)
    b.failure(1_500)
    expect(b.state(2_000)).toBe('open')
    expect(b.allow(2_499)).toBe(false)
    expect(b.allow(2_500)).toBe(true)
    b.success()
    expect(b.state(2_501)).toBe('closed')
    expect(b.allow(2_501)).toBe(true)
  })
})
