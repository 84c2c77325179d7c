import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness({ env: { REELAY_SYNC_WAIT_MS: '0' } })
})
afterAll(() => h.close())

describe('a multipart body cut off inside a file', () => {
  it('is a 400 at once, not a request that never answers, and holds nothing', async () => {
    const c = await h.customer(1_000, 'pro')
    const head = Buffer.from('--b\r\nContent-Disposition: form-data; name="image[]"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n')
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(4_000, 7)])
    const payload = Buffer.concat([head, png]).subarray(0, head.length + 1_000)
    const res = await h.app.inject({ method: 'POST', url: '/v1/images/edits', headers: { ...c.auth, 'content-type': 'multipart/form-data; boundary=b' }, payload })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toMatch(/malformed/)
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).json()).toMatchObject({ balance: 1_000, reserved: 0 })
  })
})
