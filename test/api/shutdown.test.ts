import type { AddressInfo } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { closeApp } from '../../src/api/app.js'
import { createHarness } from '../support/harness.js'

describe('server shutdown', () => {
  it('cuts a request still waiting after the grace period instead of hanging the shutdown', async () => {
    // No worker runs, so a synchronous image request waits for its (long) sync-wait window.
    const h = await createHarness({ env: { REELAY_SYNC_WAIT_MS: '600000' } })
    try {
      const c = await h.customer(1_000)
      await h.app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = h.app.server.address() as AddressInfo
      const waiting = fetch(`http://127.0.0.1:${port}/v1/images/generations`, {
        method: 'POST',
        headers: { ...c.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a lantern that never finishes' }),
      }).then(
        (r) => `status ${r.status}`,
        (e: Error) => `failed: ${e.message}`,
      )
      // The job exists (and holds its credits) once the request is waiting on it.
      // (A first submit also loads the language detector, so this can take a while on a busy machine.)
      await vi.waitFor(async () => expect(await h.rt.store.db.selectFrom('jobs').select('id').execute()).toHaveLength(1), { timeout: 20_000, interval: 5 })
      await closeApp(h.app, 100)
      expect(await waiting).toBe('failed: fetch failed')
      // The job itself is not lost: it stays queued for a worker.
      const jobs = await h.rt.store.db.selectFrom('jobs').select(['status']).execute()
      expect(jobs).toEqual([{ status: 'queued' }])
    } finally {
      await h.close()
    }
  })
})
