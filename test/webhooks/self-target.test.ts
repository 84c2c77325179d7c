import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startReceiver } from '../support/receiver.js'

// "This server" is a canary here: REELAY_PUBLIC_URL points at it, and private URLs are allowed,
// so only the self-target rule keeps signed webhooks away from it.
let h: Harness
let self: Awaited<ReturnType<typeof startReceiver>>
let other: Awaited<ReturnType<typeof startReceiver>>
beforeAll(async () => {
  self = await startReceiver()
  other = await startReceiver()
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_PUBLIC_URL: self.url } })
})
afterAll(async () => {
  await h.close()
  await self.close()
  await other.close()
})

describe('webhooks never target this server', () => {
  it('refuses it at submit, even on an internal path', async () => {
    const c = await h.customer()
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'w1' }, payload: { prompt: 'a fox', webhookUrl: `${self.url}/internal/callbacks/studio` } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ field: 'webhookUrl', message: expect.stringContaining('this server') })
  })

  it('does not send to one stored before the rule existed: the attempt fails as address_not_allowed', async () => {
    const c = await h.customer()
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...c.auth, 'idempotency-key': 'w2' }, payload: { prompt: 'a fox', webhookUrl: `${other.url}/hook` } })
    expect(res.statusCode).toBe(202)
    const jobId = res.json().jobId as string
    await h.rt.store.db.updateTable('jobs').set({ webhookUrl: `${self.url}/internal/callbacks/studio` }).where('id', '=', jobId).execute()
    await h.rt.worker.drain()
    await h.rt.dispatcher.drain()
    const attempts = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}/webhooks`, headers: c.auth })).json()
    expect(JSON.stringify(attempts)).toContain('address_not_allowed')
    expect(self.received).toEqual([])
    expect(other.received).toEqual([])
  })
})
