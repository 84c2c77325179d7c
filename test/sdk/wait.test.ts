import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver } from '../support/receiver.js'
import { Reelay } from '../../packages/sdk/src/index.js'

const job = (status: string, progress: number) => ({ ok: true, jobId: 'job_1', status, type: 'video', model: 'm', progress, chargedCredits: 64, createdAt: '2026-01-01T00:00:00.000Z', startedAt: null, completedAt: null, error: null })
let close: (() => Promise<void>) | undefined

afterEach(async () => {
  await close?.()
  close = undefined
})

/** A job server answering the n-th poll from `answers` (the last one repeats). */
async function polls(answers: { status: string; progress: number; headers?: Record<string, string> }[]) {
  const r = await startReceiver((_req, n) => {
    const a = answers[Math.min(n, answers.length) - 1]!
    return { status: 200, headers: { 'content-type': 'application/json', ...a.headers }, body: JSON.stringify(job(a.status, a.progress)) }
  })
  close = r.close
  const sleeps: number[] = []
  const sdk = new Reelay({ apiKey: 'rl_test', baseURL: r.url, sleep: async (ms) => void sleeps.push(ms) })
  return { sdk, sleeps, r }
}

describe('jobs.wait pacing', () => {
  it('follows the server poll hint when it gives one', async () => {
    const { sdk, sleeps } = await polls([{ status: 'processing', progress: 10, headers: { 'openai-poll-after-ms': '2500' } }, { status: 'processing', progress: 50, headers: { 'retry-after': '4' } }, { status: 'succeeded', progress: 100 }])
    expect((await sdk.jobs.wait('job_1')).status).toBe('succeeded')
    expect(sleeps).toEqual([2500, 4000])
  })

  it('backs off while nothing changes and starts over when progress moves', async () => {
    const still = { status: 'processing', progress: 10 }
    const { sdk, sleeps } = await polls([still, still, still, { status: 'processing', progress: 60 }, { status: 'succeeded', progress: 100 }])
    const progress: number[] = []
    await sdk.jobs.wait('job_1', { pollInterval: 1000, onProgress: (j) => progress.push(j.progress) })
    expect(sleeps).toEqual([1000, 1500, 2250, 1000])
    expect(progress).toEqual([10, 60, 100])
  })
})
