import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'
import { startReceiver } from '../support/receiver.js'

let h: PeopleHarness
beforeAll(async () => {
  h = await createPeopleHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
})
afterAll(async () => h.close())

const playground = (c: Awaited<ReturnType<PeopleHarness['signedIn']>>, accountId: string, key: string, request: object = { prompt: 'a red fox in snow' }, kind = 'image') =>
  c.call('POST', '/account/v1/jobs', { accountId, kind, request }, { 'idempotency-key': key })

describe('happy path', () => {
  it('runs a playground job to a preview and shows it in the list, detail, usage and ledger', async () => {
    const c = await h.signedIn()
    const personal = c.session.accounts[0]!.id
    await h.grant(personal, 5_000)
    const sub = await playground(c, personal, 'p1')
    expect(sub.statusCode).toBe(202)
    const job = sub.json()
    expect(job).toMatchObject({ id: expect.stringMatching(/^job_/), status: 'queued', mode: 'text-to-image', outputUrl: null, credits: { held: expect.any(Number), captured: 0, released: 0 } })
    const replay = await playground(c, personal, 'p1')
    expect(replay.json().id).toBe(job.id)
    await h.rt.worker.drain()

    const list = (await c.call('GET', '/account/v1/jobs?status=succeeded')).json()
    expect(list.data.map((j: { id: string }) => j.id)).toEqual([job.id])
    expect(list.data[0]).toMatchObject({ status: 'succeeded', progress: 100, outputType: 'image', thumbnailUrl: expect.stringContaining('http'), outputUrl: expect.stringContaining('http') })
    expect(list.data[0].credits.captured).toBe(job.credits.held)

    const detail = (await c.call('GET', `/account/v1/jobs/${job.id}`)).json()
    expect(detail.params).toMatchObject({ n: 1 })
    expect(detail.prompt.original).toBe('a red fox in snow')
    expect(detail.timeline.map((t: { status: string }) => t.status)).toEqual(['queued', 'processing', 'succeeded'])
    expect(detail.error).toBeNull()
    const file = await h.app.inject({ method: 'GET', url: detail.outputUrl.replace(h.config.publicUrl, '') })
    expect(file.statusCode).toBe(200)

    const usage = (await c.call('GET', '/account/v1/usage')).json()
    expect(usage.totals).toEqual({ credits: job.credits.held, jobs: 1 })
    expect(usage.byModel).toHaveLength(1)
    expect(usage.byDay[0].day).toMatch(/^\d{4}-\d{2}-\d{2}$/)

    const ledger = (await c.call('GET', '/account/v1/ledger?limit=2')).json()
    expect(ledger.data.map((e: { kind: string }) => e.kind)).toEqual(['capture', 'hold'])
    expect(ledger.nextCursor).toEqual(expect.any(String))
    const rest = (await c.call('GET', `/account/v1/ledger?cursor=${ledger.nextCursor}`)).json()
    expect(rest.data).toEqual([expect.objectContaining({ kind: 'grant', amount: 5_000, source: 'grant', reason: 'test grant' })])
    expect(rest.nextCursor).toBeNull()
    const csv = await c.call('GET', '/account/v1/ledger?format=csv')
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body.split('\n')[0]).toBe('id,at,kind,amount,jobId,source,reason')
    expect(csv.body.trim().split('\n')).toHaveLength(4)
  })

  it('a cancel shows the refund', async () => {
    const c = await h.signedIn()
    const personal = c.session.accounts[0]!.id
    await h.grant(personal, 5_000)
    const job = (await playground(c, personal, 'v1', { prompt: 'waves at dusk', duration: 5 }, 'video')).json()
    const cancelled = await c.call('POST', `/account/v1/jobs/${job.id}/cancel`)
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', credits: { held: job.credits.held, captured: 0, released: job.credits.held } })
    const bal = (await c.call('GET', `/account/v1/accounts/${personal}/balance`)).json()
    expect(bal).toMatchObject({ balance: 5_000, reserved: 0, available: 5_000 })
    expect((await c.call('POST', `/account/v1/jobs/${job.id}/cancel`)).json().error.code).toBe('job_not_cancellable')
  })

  it('lists webhook deliveries with attempts and redelivers a failed one', async () => {
    let fail = true
    const r = await startReceiver(() => (fail ? 500 : 200))
    try {
      const c = await h.signedIn()
      const personal = c.session.accounts[0]!.id
      await h.grant(personal, 5_000)
      const job = (await playground(c, personal, 'w1', { prompt: 'a kite', webhookUrl: `${r.url}/hook` })).json()
      await h.rt.worker.drain()
      await h.rt.dispatcher.drain()
      const list = (await c.call('GET', '/account/v1/webhooks/deliveries')).json()
      expect(list.data).toHaveLength(1)
      expect(list.data[0]).toMatchObject({ jobId: job.id, event: 'job.succeeded', attempts: [expect.objectContaining({ statusCode: 500 })] })
      fail = false
      const again = await c.call('POST', `/account/v1/webhooks/deliveries/${list.data[0].id}/redeliver`)
      expect(again.statusCode).toBe(202)
      await h.rt.dispatcher.drain()
      const detail = (await c.call('GET', `/account/v1/jobs/${job.id}`)).json()
      expect(detail.webhookDeliveries[0].status).toBe('delivered')
      expect(r.received.length).toBeGreaterThanOrEqual(2)
    } finally {
      await r.close()
    }
  })
})

describe('errors', () => {
  it('a bad playground request names the field inside request; nothing is held', async () => {
    const c = await h.signedIn()
    const personal = c.session.accounts[0]!.id
    await h.grant(personal, 100)
    const res = await playground(c, personal, 'bad', { prompt: 42 })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'invalid_request', field: 'request.prompt' })
    const none = await c.call('POST', '/account/v1/jobs', { accountId: personal, kind: 'image', request: { prompt: 'x' } })
    expect(none.json().error.field).toBe('Idempotency-Key')
    expect((await c.call('GET', `/account/v1/accounts/${personal}/balance`)).json().reserved).toBe(0)
  })

  it('without credits the playground answers 402', async () => {
    const c = await h.signedIn()
    const res = await playground(c, c.session.accounts[0]!.id, 'poor')
    expect(res.statusCode).toBe(402)
    expect(res.json().error.code).toBe('insufficient_credits')
  })

  it('usage with from after to is a 400 naming from', async () => {
    const c = await h.signedIn()
    expect((await c.call('GET', '/account/v1/usage?from=2000&to=1000')).json().error.field).toBe('from')
  })
})

describe('security', () => {
  it("another tenant's jobs, ledger, usage and deliveries read as not found; their account cannot be charged", async () => {
    const a = await h.signedIn()
    const b = await h.signedIn()
    const aAcct = a.session.accounts[0]!.id
    await h.grant(aAcct, 1_000)
    const job = (await playground(a, aAcct, 'mine')).json()
    expect((await b.call('GET', `/account/v1/jobs/${job.id}`)).statusCode).toBe(404)
    expect((await b.call('POST', `/account/v1/jobs/${job.id}/cancel`)).statusCode).toBe(404)
    expect((await b.call('GET', `/account/v1/jobs?accountId=${aAcct}`)).statusCode).toBe(404)
    expect((await b.call('GET', `/account/v1/ledger?accountId=${aAcct}`)).statusCode).toBe(404)
    expect((await b.call('GET', `/account/v1/usage?accountId=${aAcct}`)).statusCode).toBe(404)
    expect((await b.call('GET', `/account/v1/webhooks/deliveries?accountId=${aAcct}`)).statusCode).toBe(404)
    expect((await playground(b, aAcct, 'steal')).statusCode).toBe(404)
    expect((await b.call('GET', '/account/v1/jobs')).json().data).toEqual([])
    await h.rt.worker.drain()
  })

  it('the playground needs the CSRF header', async () => {
    const c = await h.signedIn()
    const res = await h.app.inject({
      method: 'POST',
      url: '/account/v1/jobs',
      headers: { cookie: c.cookie, 'idempotency-key': 'x' },
      payload: { accountId: c.session.accounts[0]!.id, kind: 'image', request: { prompt: 'x' } },
    })
    expect(res.json().error.code).toBe('csrf_failed')
  })
})
