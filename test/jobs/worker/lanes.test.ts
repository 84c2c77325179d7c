import { afterEach, describe, expect, it } from 'vitest'
import { singleProviderRouter } from '../../../src/providers/registry.js'
import type { Provider } from '../../../src/providers/provider.js'
import { getJob } from '../../../src/store/jobs/index.js'
import { createHarness, type Harness } from '../../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.close()
})

/** An upstream that accepts every job and reports it running until told otherwise. */
function upstream() {
  const state = { polls: 0 }
  const provider: Provider = {
    name: 'remote',
    async submit(job) {
      return { upstreamId: `up_${job.id}` }
    },
    async get() {
      state.polls++
      return { state: 'running', progress: 10 }
    },
    async cancel() {},
  }
  return { state, provider }
}

const channel = { id: 'remote-1', provider: 'remote', baseUrl: 'http://127.0.0.1:1', apiKey: 'k', models: {}, options: {} }

describe('lanes and poll schedule stored on the job', () => {
  it('puts a job an upstream accepted in the poll lane, polled on the schedule stored at submit', async () => {
    const up = upstream()
    h = await createHarness({ router: singleProviderRouter(up.provider, channel) })
    const c = await h.customer()
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'lane-1' }, payload: { prompt: 'a lighthouse at dusk' } })
    const id = res.json().jobId as string
    const queued = await getJob(h.rt.store.db, id)
    expect(queued).toMatchObject({ lane: 'steps', pollTypicalMs: expect.any(Number) })
    await h.rt.worker.drain()
    const accepted = await getJob(h.rt.store.db, id)
    // The first poll waits half the model's typical time (5–60 s).
    const firstPoll = Math.min(60_000, Math.max(5_000, Math.round(queued!.pollTypicalMs! * 0.5)))
    expect(accepted).toMatchObject({ status: 'processing', lane: 'polls', upstreamId: `up_${id}`, nextRunAt: h.clock.now() + firstPoll })
    expect(up.state.polls).toBe(0)
  })

  it('moves a job accepted before lanes were stored to the poll lane on its next poll', async () => {
    const up = upstream()
    h = await createHarness({ router: singleProviderRouter(up.provider, channel) })
    const c = await h.customer()
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'lane-2' }, payload: { prompt: 'a lighthouse at dusk' } })
    const id = res.json().jobId as string
    // As migration 0014 leaves a job an upstream was already running: steps lane, no stored schedule.
    await h.rt.store.db
      .updateTable('jobs')
      .set({ status: 'processing', upstreamId: 'up_legacy', channel: channel.id, provider: 'remote', startedAt: h.clock.now(), lane: 'steps', pollTypicalMs: null })
      .where('id', '=', id)
      .execute()
    await h.rt.worker.drain()
    expect(up.state.polls).toBe(1)
    expect(await getJob(h.rt.store.db, id)).toMatchObject({ status: 'processing', lane: 'polls', pollCount: 1, progress: 10 })
    // From now on its polls are claimed by the poll lane.
    h.clock.advance(60_000)
    await h.rt.worker.drain()
    expect(up.state.polls).toBe(2)
    expect(await getJob(h.rt.store.db, id)).toMatchObject({ status: 'processing', lane: 'polls', pollCount: 2 })
  })
})
