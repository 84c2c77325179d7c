import { afterEach, describe, expect, it } from 'vitest'
import { claimDueJobs } from '../../src/jobs/claim.js'
import { dueJobIds } from '../../src/store/jobs/index.js'
import { createHarness, TEST_DB, type Harness } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.close()
})

/** Three queued studio jobs, then two of them turned into jobs an upstream is running. */
async function setup() {
  h = await createHarness()
  const c = await h.customer(100_000)
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': `lane-${i}` }, payload: { prompt: 'a lighthouse at dusk' } })
    ids.push(res.json().jobId as string)
  }
  const [queued, upstream, studio] = ids as [string, string, string]
  // As the worker records an upstream's acceptance: its polls go to the poll lane.
  await h.rt.store.db.updateTable('jobs').set({ status: 'processing', upstreamId: 'cgt-1', provider: 'ark', channel: 'ark-1', lane: 'polls' }).where('id', '=', upstream).execute()
  await h.rt.store.db.updateTable('jobs').set({ status: 'processing', upstreamId: 'studio-1', provider: 'studio', channel: 'studio' }).where('id', '=', studio).execute()
  return { queued, upstream, studio }
}

describe('claim lanes', () => {
  it('gives upstream polls to the poll lane and submits and studio renders to the step lane', async () => {
    const { queued, upstream, studio } = await setup()
    const now = h.clock.now() + 1
    const polls = await claimDueJobs(h.rt.store, 'w', now, 60_000, 10, 'polls')
    expect(polls.map((j) => j.id)).toEqual([upstream])
    const steps = await claimDueJobs(h.rt.store, 'w', now, 60_000, 10, 'steps')
    expect(steps.map((j) => j.id).sort()).toEqual([queued, studio].sort())
  })

  it.runIf(TEST_DB === 'sqlite')('claims each lane through its own index, never stepping over the other lane’s rows', async () => {
    await setup()
    for (const [lane, index] of [['polls', 'jobs_due_polls'], ['steps', 'jobs_due_steps']] as const) {
      const q = dueJobIds(h.rt.store.db, 1, 10, lane).compile()
      const plan = await h.rt.store.db.executeQuery<{ detail: string }>({ ...q, sql: `explain query plan ${q.sql}` })
      expect(plan.rows.map((r) => r.detail).join('; ')).toContain(`USING INDEX ${index}`)
    }
  })
})
