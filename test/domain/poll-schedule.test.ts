import { describe, expect, it } from 'vitest'
import { clientPollAfterMs, nextPollDelayMs, retryDelayMs } from '../../src/domain/poll-schedule.js'

describe('poll schedule', () => {
  it('waits half the typical duration for the first poll (5–60 s), then 5 s growing ×1.5 to 30 s', () => {
    expect(nextPollDelayMs(105_000, 0)).toBe(52_500)
    expect(nextPollDelayMs(2_000, 0)).toBe(5_000)
    expect(nextPollDelayMs(600_000, 0)).toBe(60_000)
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => nextPollDelayMs(105_000, n))).toEqual([5_000, 7_500, 11_250, 16_875, 25_313, 30_000, 30_000])
  })

  it('costs about 6 upstream calls over a 105 s video instead of 21 at a fixed 5 s', () => {
    let t = 0
    let polls = 0
    while (t < 105_000) t += nextPollDelayMs(105_000, polls++)
    expect(polls).toBeLessThanOrEqual(6)
  })

  it('tells clients to come back after a tenth of the typical duration, 1–10 s', () => {
    expect(clientPollAfterMs(30_000)).toBe(3_000)
    expect(clientPollAfterMs(1_000)).toBe(1_000)
    expect(clientPollAfterMs(10 * 60_000)).toBe(10_000)
  })

  it('backs off retries from 1 s doubling to 5 min, or follows Retry-After up to 15 min', () => {
    expect([0, 1, 2, 3, 10, 30].map((f) => retryDelayMs(f))).toEqual([1_000, 2_000, 4_000, 8_000, 300_000, 300_000])
    expect(retryDelayMs(0, 42_000)).toBe(42_000)
    expect(retryDelayMs(0, 3_600_000)).toBe(900_000)
    expect(retryDelayMs(2, 0)).toBe(4_000)
  })
})
