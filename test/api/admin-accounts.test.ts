import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'

let h: PeopleHarness
let admin: Awaited<ReturnType<PeopleHarness['signedIn']>>
beforeAll(async () => {
  h = await createPeopleHarness({ env: { REELAY_SIGNUP_MODE: 'invite' } })
  admin = await h.signedIn({ role: 'admin' })
})
afterAll(async () => h.close())

describe('happy path', () => {
  it('creates, finds, re-plans and grants and debits credits; a key of the account works; every step is audited', async () => {
    const made = await admin.call('POST', '/admin/v1/accounts', { name: 'acme-api', plan: 'pro', credits: 500 })
    expect(made.statusCode).toBe(201)
    const acct = made.json()
    expect(acct).toMatchObject({ name: 'acme-api', kind: 'service', plan: 'pro', balance: 500, disabled: false })
    const found = (await admin.call('GET', '/admin/v1/accounts?q=ACME')).json()
    expect(found.data.map((a: { id: string }) => a.id)).toEqual([acct.id])
    expect((await admin.call('PATCH', `/admin/v1/accounts/${acct.id}`, { plan: 'default' })).json().plan).toBe('default')
    const granted = await admin.call('POST', `/admin/v1/accounts/${acct.id}/credits`, { amount: 250, reason: 'goodwill' })
    expect(granted.json()).toEqual({ accountId: acct.id, balance: 750, reserved: 0, available: 750 })
    const debited = await admin.call('POST', `/admin/v1/accounts/${acct.id}/credits`, { amount: -50, reason: 'refund reversed' })
    expect(debited.json().balance).toBe(700)
    const entries = await h.rt.store.db.selectFrom('ledgerEntries').select(['kind', 'amount', 'note']).where('accountId', '=', acct.id).orderBy('id').execute()
    expect(entries).toEqual([
      { kind: 'grant', amount: 500, note: 'initial credits' },
      { kind: 'grant', amount: 250, note: 'goodwill' },
      { kind: 'adjust', amount: -50, note: 'refund reversed' },
    ])
    const audit = (await admin.call('GET', '/admin/v1/audit?limit=4')).json().data
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['credits.debit', 'credits.grant', 'account.update', 'account.create'])
    expect(audit[0]).toMatchObject({ actorUserId: admin.user.id, target: acct.id, detail: { amount: -50, reason: 'refund reversed' } })
    const detail = (await admin.call('GET', `/admin/v1/accounts/${acct.id}`)).json()
    expect(detail).toMatchObject({ id: acct.id, members: [], keys: [] })
  })

  it('a customer sees an operator grant at once', async () => {
    const c = await h.signedIn()
    const personal = c.session.accounts[0]!.id
    await admin.call('POST', `/admin/v1/accounts/${personal}/credits`, { amount: 1_234, reason: 'welcome' })
    expect((await c.call('GET', `/account/v1/accounts/${personal}/balance`)).json().available).toBe(1_234)
  })

  it('invites a user to sign up, and issues a reset link that works once and ends their sessions', async () => {
    const inv = (await admin.call('POST', '/admin/v1/invites', { email: 'newbie@example.com' })).json()
    const signup = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'newbie@example.com', password: 'first password', inviteToken: inv.inviteToken } })
    expect(signup.statusCode).toBe(201)
    const user = h.client(signup)
    const link = (await admin.call('POST', `/admin/v1/users/${user.session.user.id}/reset-link`)).json()
    expect(link.url).toMatch(/\/reset\?token=rlr_/)
    const token = new URL(link.url).searchParams.get('token')!
    const reset = await h.app.inject({ method: 'POST', url: '/account/v1/password-reset', payload: { token, password: 'second password' } })
    expect(reset.statusCode).toBe(204)
    expect((await user.call('GET', '/account/v1/session')).statusCode).toBe(401)
    await h.signIn('newbie@example.com', 'second password')
    const twice = await h.app.inject({ method: 'POST', url: '/account/v1/password-reset', payload: { token, password: 'third password!' } })
    expect(twice.json().error.field).toBe('token')
  })

  it('lists and searches users; disabling one ends their sessions, enabling lets them back; roles change', async () => {
    const c = await h.signedIn({ name: 'Findable Person' })
    const found = (await admin.call('GET', '/admin/v1/users?q=findable')).json().data
    expect(found.map((u: { id: string }) => u.id)).toEqual([c.user.id])
    expect(found[0]).not.toHaveProperty('passwordHash')
    expect((await admin.call('PATCH', `/admin/v1/users/${c.user.id}`, { disabled: true })).json().disabled).toBe(true)
    expect((await c.call('GET', '/account/v1/session')).statusCode).toBe(401)
    expect((await h.app.inject({ method: 'POST', url: '/account/v1/login', payload: { email: c.user.email, password: c.user.password } })).statusCode).toBe(401)
    await admin.call('PATCH', `/admin/v1/users/${c.user.id}`, { disabled: false, role: 'admin' })
    const back = await h.signIn(c.user.email, c.user.password)
    expect(back.session.user.role).toBe('admin')
  })

  it('changes the sign-up mode at run time', async () => {
    expect((await admin.call('GET', '/admin/v1/settings')).json()).toEqual({ signupMode: 'invite' })
    expect((await admin.call('PATCH', '/admin/v1/settings', { signupMode: 'closed' })).json()).toEqual({ signupMode: 'closed' })
    const closed = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'late@example.com', password: 'a long password' } })
    expect(closed.json().error.code).toBe('forbidden')
    await admin.call('PATCH', '/admin/v1/settings', { signupMode: 'open' })
    expect((await h.app.inject({ method: 'GET', url: '/account/v1/setup' })).json().signupMode).toBe('open')
    expect((await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'late@example.com', password: 'a long password' } })).statusCode).toBe(201)
    await admin.call('PATCH', '/admin/v1/settings', { signupMode: 'invite' })
  })

  it('a disabled account: its API keys and its team use stop', async () => {
    const c = await h.signedIn()
    const personal = c.session.accounts[0]!.id
    const key = (await c.call('POST', '/account/v1/keys', { name: 'k' })).json()
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key.key}` } })).statusCode).toBe(200)
    await admin.call('PATCH', `/admin/v1/accounts/${personal}`, { disabled: true })
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key.key}` } })).statusCode).toBe(401)
    expect((await c.call('GET', `/account/v1/accounts/${personal}/balance`)).statusCode).toBe(404)
    await admin.call('PATCH', `/admin/v1/accounts/${personal}`, { disabled: false })
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key.key}` } })).statusCode).toBe(200)
  })
})

describe('errors', () => {
  it('an unknown plan, a zero or overdrawing amount and a missing reason are 400s naming the field; nothing is written', async () => {
    expect((await admin.call('POST', '/admin/v1/accounts', { name: 'bad-plan', plan: 'nope' })).json().error.field).toBe('plan')
    const acct = (await admin.call('POST', '/admin/v1/accounts', { name: 'small', credits: 10 })).json()
    expect((await admin.call('POST', `/admin/v1/accounts/${acct.id}/credits`, { amount: 0, reason: 'x' })).json().error.field).toBe('amount')
    expect((await admin.call('POST', `/admin/v1/accounts/${acct.id}/credits`, { amount: -11, reason: 'too much' })).json().error.field).toBe('amount')
    expect((await admin.call('POST', `/admin/v1/accounts/${acct.id}/credits`, { amount: 5, reason: '  ' })).json().error.field).toBe('reason')
    expect((await admin.call('GET', `/admin/v1/accounts/${acct.id}`)).json().balance).toBe(10)
    expect((await admin.call('GET', '/admin/v1/accounts/acct_missing')).statusCode).toBe(404)
  })

  it('an operator cannot disable or demote themselves', async () => {
    expect((await admin.call('PATCH', `/admin/v1/users/${admin.user.id}`, { disabled: true })).json().error.field).toBe('disabled')
    expect((await admin.call('PATCH', `/admin/v1/users/${admin.user.id}`, { role: 'user' })).json().error.field).toBe('role')
  })
})

describe('security', () => {
  it('a customer gets 403 forbidden on every /admin/v1 route; no session is 401', async () => {
    const c = await h.signedIn()
    for (const [method, url] of [
      ['GET', '/admin/v1/accounts'],
      ['POST', '/admin/v1/accounts'],
      ['GET', '/admin/v1/users'],
      ['GET', '/admin/v1/audit'],
      ['PATCH', '/admin/v1/settings'],
      ['GET', '/admin/v1/jobs'],
      ['GET', '/admin/v1/system'],
    ] as const) {
      const res = await c.call(method, url, method === 'GET' ? undefined : {})
      expect(res.statusCode, `${method} ${url}`).toBe(403)
      expect(res.json().error.code).toBe('forbidden')
      expect((await h.app.inject({ method, url })).statusCode).toBe(401)
    }
  })

  it('an admin change without the CSRF header is refused and not applied', async () => {
    const acct = (await admin.call('POST', '/admin/v1/accounts', { name: 'csrf-target', credits: 1 })).json()
    const res = await h.app.inject({ method: 'POST', url: `/admin/v1/accounts/${acct.id}/credits`, headers: { cookie: admin.cookie }, payload: { amount: 1_000, reason: 'x' } })
    expect(res.json().error.code).toBe('csrf_failed')
    expect((await admin.call('GET', `/admin/v1/accounts/${acct.id}`)).json().balance).toBe(1)
  })

  it('a demoted operator loses /admin/v1 at once; a revoked operator token is refused', async () => {
    const other = await h.signedIn({ role: 'admin' })
    expect((await other.call('GET', '/admin/v1/users')).statusCode).toBe(200)
    await admin.call('PATCH', `/admin/v1/users/${other.user.id}`, { role: 'user' })
    expect((await other.call('GET', '/admin/v1/users')).statusCode).toBe(403)
    const token = await h.rt.people.signIn(admin.user, 'api')
    const bearer = { authorization: `Bearer ${token.token}` }
    expect((await h.app.inject({ method: 'POST', url: '/admin/v1/invites', headers: bearer, payload: { email: 'cli@example.com' } })).statusCode).toBe(201)
    const s = await h.rt.people.sessions.resolve(token.token)
    await h.rt.people.sessions.revoke(s!.id)
    expect((await h.app.inject({ method: 'GET', url: '/admin/v1/users', headers: bearer })).statusCode).toBe(401)
  })
})
