import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSdkHarness, type SdkHarness } from '../support/sdk.js'
import { ConflictError, type Job } from '../../packages/sdk/src/index.js'

let h: SdkHarness
let dir: string

beforeAll(async () => {
  h = await createSdkHarness()
  dir = mkdtempSync(path.join(tmpdir(), 'reelay-sdk-'))
})
afterAll(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('SDK jobs', () => {
  it('wait reports progress until the job succeeds', async () => {
    const c = await h.customer(1_000)
    const sdk = h.client(c.key)
    const job = await sdk.images.create({ prompt: 'a lighthouse at dusk', size: '1:1_SMALL' })
    const seen: Job[] = []
    const done = await sdk.jobs.wait(job.jobId, { onProgress: (j) => seen.push(j), pollInterval: 500 })
    expect(done).toMatchObject({ jobId: job.jobId, status: 'succeeded', progress: 100 })
    expect(seen[0]!.status).toBe('queued')
    expect(seen.at(-1)!.status).toBe('succeeded')
  })

  it('an abort stops waiting but does not cancel the job', async () => {
    const c = await h.customer(1_000)
    const ac = new AbortController()
    let polls = 0
    // Never runs the worker: the job stays queued while we wait, then we give up.
    const sdk = h.client(c.key, {
      sleep: async (_ms, signal) => {
        if (++polls === 2) ac.abort()
        signal?.throwIfAborted()
      },
    })
    const job = await sdk.images.create({ prompt: 'patience' })
    await expect(sdk.jobs.wait(job.jobId, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect((await sdk.jobs.get(job.jobId)).status).toBe('queued')
    expect((await sdk.usage.get()).reserved).toBe(job.chargedCredits)
    const cancelled = await sdk.jobs.cancel(job.jobId)
    expect(cancelled.status).toBe('cancelled')
    await expect(sdk.jobs.cancel(job.jobId)).rejects.toBeInstanceOf(ConflictError)
    expect((await sdk.usage.get()).reserved).toBe(0)
  })

  it('wait gives up after its timeout, measured on the injected clock', async () => {
    const c = await h.customer(1_000)
    const sdk = h.client(c.key, { sleep: async (ms) => h.clock.advance(ms) })
    const job = await sdk.images.create({ prompt: 'slow' })
    await expect(sdk.jobs.wait(job.jobId, { timeout: 5_000 })).rejects.toMatchObject({ name: 'WaitTimeoutError', jobId: job.jobId })
    await h.rt.worker.drain()
  })

  it('createAndWait, then download to bytes and to a file', async () => {
    const c = await h.customer(1_000)
    const sdk = h.client(c.key)
    const result = await sdk.images.createAndWait({ prompt: 'a red bicycle', size: '1:1_SMALL' })
    expect(result.outputs[0]).toMatchObject({ mimeType: 'image/png', width: 1024, height: 1024 })
    const bytes = await sdk.download(result.jobId)
    expect(Buffer.from(bytes.subarray(0, 4)).toString('hex')).toBe('89504e47')
    expect(bytes.length).toBe(result.outputs[0]!.size)
    const to = path.join(dir, 'out.png')
    const file = await sdk.download(result.jobId, { to })
    expect(file).toMatchObject({ path: to, bytes: bytes.length, mimeType: 'image/png' })
    expect(readFileSync(to).equals(Buffer.from(bytes))).toBe(true)
  })

  it('result is {ready: false} while the job runs', async () => {
    const c = await h.customer(1_000)
    const sdk = h.client(c.key)
    const job = await sdk.images.create({ prompt: 'not yet' })
    expect(await sdk.jobs.result(job.jobId)).toMatchObject({ ready: false, status: 'queued' })
    await h.rt.worker.drain()
    expect(await sdk.jobs.result(job.jobId)).toMatchObject({ ready: true, status: 'succeeded' })
  })

  it('createAndWait renders a video through the studio provider', async () => {
    const c = await h.customer(10_000)
    const sdk = h.client(c.key)
    const statuses: string[] = []
    const result = await sdk.videos.createAndWait({ prompt: 'drone shot over a city', size: '16:9_SMALL', duration: 4 }, { onProgress: (j) => statuses.push(j.status) })
    expect(statuses.at(-1)).toBe('succeeded')
    expect(result.outputs[0]).toMatchObject({ mimeType: 'video/mp4', width: 854, height: 480 })
    expect(result.outputs[0]!.duration).toBeCloseTo(4, 0)
    expect((await sdk.usage.get()).usage.creditsUsed).toBe(64)
  })
})
