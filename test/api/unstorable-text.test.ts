import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

// PostgreSQL refuses a NUL byte in a text parameter outright; a job id or cursor is customer
// text, so such a request must be the customer's 4xx on both databases, never a 500.
let h: Harness
let auth: Record<string, string>
beforeAll(async () => {
  h = await createHarness()
  auth = (await h.customer()).auth
})
afterAll(() => h.close())

describe('text the database cannot store, from the request', () => {
  it.each([
    ['a job id', '/v1/jobs/a%00b'],
    ['a job id, for its result', '/v1/jobs/a%00b/result'],
    ['a 001 task id', '/api/v1/tasks/task_a%00b'],
    ['an OpenAI video id', '/v1/videos/video_a%00b'],
  ])('%s with a NUL byte is a 4xx in the dialect shape', async (_name, url) => {
    const res = await h.app.inject({ method: 'GET', url, headers: auth })
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400)
    expect(res.statusCode, res.body).toBeLessThan(500)
    expect(res.json()).toHaveProperty('error')
  })

  it('a list cursor with a NUL byte is never a 5xx (an empty page, or a 400 on PostgreSQL)', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/jobs?cursor=job_%00', headers: auth })
    expect(res.statusCode, res.body).toBeLessThan(500)
  })
})
