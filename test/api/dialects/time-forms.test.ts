import { describe, expect, it } from 'vitest'
import { isoTime, unixSeconds } from '../../../src/api/dialects/time-forms.js'

describe('time forms shared by the dialects', () => {
  const at = Date.UTC(2026, 11, 2, 19, 30, 15, 999)

  it('shows an instant as ISO 8601 with milliseconds, and a missing one as null', () => {
    expect(isoTime(at)).toBe('2026-12-02T19:30:15.999Z')
    expect(isoTime(null)).toBeNull()
  })

  it('shows an instant as whole Unix seconds, never rounding up into the future', () => {
    expect(unixSeconds(at)).toBe(Math.floor(at / 1000))
    expect(unixSeconds(at)! * 1000).toBeLessThanOrEqual(at)
    expect(unixSeconds(null)).toBeNull()
  })
})
