import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/domain/clock.js'
import { createStudioProvider } from '../../../src/providers/studio/index.js'
import { imageJob, imageParams, providerContext } from '../support.js'

const dir = mkdtempSync(path.join(tmpdir(), 'studio-race-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('studio renders of one job by two owners', () => {
  // Found by the kill -9 storm on PostgreSQL: a worker past its lease and the job's next owner
  // rendered to the same temp path, and the first to finish deleted the other's file.
  it('write separate files, so one owner cleaning up cannot take the other’s output away', async () => {
    const studio = createStudioProvider({ latencyMs: 0, failureRate: 0 })
    const job = { ...imageJob(imageParams({ n: 2 }), 'gpt-image-2', 'job_01race'), submittedAt: 0 }
    const ctx = providerContext({ id: 'studio', provider: 'studio', baseUrl: 'local', apiKey: '', models: {} }, { clock: new ManualClock(0), tmpDir: dir })
    const [a, b] = await Promise.all([studio.get('studio_job_01race', job, ctx), studio.get('studio_job_01race', job, ctx)])
    if (a.state !== 'succeeded' || b.state !== 'succeeded') throw new Error('expected two renders')
    const paths = (o: typeof a.outputs) => o.map((x) => (x.kind === 'file' ? x.path : ''))
    // The first owner finishes and removes its files; the second owner's are still there.
    await Promise.all(paths(a.outputs).map((p) => rm(p)))
    for (const p of paths(b.outputs)) expect(statSync(p).size).toBeGreaterThan(0)
  })
})
