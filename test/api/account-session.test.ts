import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, cookieFrom, type PeopleHarness } from '../support/people.js'

let h: PeopleHarness
beforeAll(async () => {
  h = await createPeopleHarness()
})
afterAll(async () => h.close())

describe('happy path', () => {
  it('signs up with a personal account, gets an httpOnly SameSite cookie and a CSRF token, and reads the session', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'Ada@Example.com', password: 'a long password', name: 'Ada' } })
    expect(res.statusCode).toBe(201)
    const setCookie = String(res.headers['set-cookie'])
    expect(setCookie).toMatch(/^reelay_session=rls_/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
    expect(setCookie).toContain('Path=/')
    expect(res.headers['cache-control']).toBe('no-store')
    const body = res.json()
    expect(body.user).toMatchObject({ email: 'ada@example.com', name: 'Ada', role: 'user', locale: 'en' })
    expect(body.accounts).toEqual([{ id: expect.stringMatching(/^acct_/), name: 'Ada', kind: 'personal', role: 'owner' }])
    expect(body.csrfToken).toEqual(expect.any(String))

    const me = await h.app.inject({ method: 'GET', url: '/account/v1/session', headers: { cookie: cookieFrom(res) } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual(body)
  })

  it('logs in and out: the session stops working after logout', async () => {
    const c = await h.signedIn()
    expect((await c.call('GET', '/account/v1/session')).statusCode).toBe(200)
    const out = await c.call('POST', '/account/v1/logout')
    expect(out.statusCode).toBe(204)
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    const after = await c.call('GET', '/account/v1/session')
    expect(after.statusCode).toBe(401)
    expect(after.json().error.code).toBe('unauthorized')
  })

  it('changes name, locale and password; the new password signs out other sessions', async () => {
    const c = await h.signedIn()
    const other = await h.signIn(c.user.email, c.user.password)
    const res = await c.call('PATCH', '/account/v1/profile', { name: 'New Name', locale: 'nl', password: { current: c.user.password, next: 'another long one' } })
    expect(res.statusCode).toBe(200)
    expect(res.json().user).toMatchObject({ name: 'New Name', locale: 'nl' })
    expect((await c.call('GET', '/account/v1/session')).statusCode).toBe(200)
    expect((await other.call('GET', '/account/v1/session')).statusCode).toBe(401)
    await h.signIn(c.user.email, 'another long one')
  })

  it('GET /setup says the sign-up mode and that setup is done once users exist', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/account/v1/setup' })
    expect(res.json()).toEqual({ needsSetup: false, signupMode: 'open' })
  })
})

describe('errors', () => {
  it('a wrong password is 401; the same email again is a 400 naming email', async () => {
    const u = await h.user()
    const bad = await h.app.inject({ method: 'POST', url: '/account/v1/login', payload: { email: u.email, password: 'wrong password!' } })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().error).toMatchObject({ code: 'unauthorized', requestId: expect.any(String) })
    const dup = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: u.email.toUpperCase(), password: 'a long password' } })
    expect(dup.statusCode).toBe(400)
    expect(dup.json().error).toMatchObject({ code: 'invalid_request', field: 'email' })
  })

  it('short passwords and bad emails are 400s naming the field', async () => {
    const short = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'x@example.com', password: 'short' } })
    expect(short.json().error).toMatchObject({ code: 'invalid_request', field: 'password' })
    const mail = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'not-an-email', password: 'a long password' } })
    expect(mail.json().error).toMatchObject({ code: 'invalid_request', field: 'email' })
  })

  it('a wrong current password does not change it', async () => {
    const c = await h.signedIn()
    const res = await c.call('PATCH', '/account/v1/profile', { password: { current: 'not my password', next: 'another long one' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.field).toBe('password.current')
    await h.signIn(c.user.email, c.user.password)
  })
})

describe('security', () => {
  it('refuses a change without the CSRF header, or with another session’s, and changes nothing', async () => {
    const c = await h.signedIn()
    const other = await h.signedIn()
    const none = await h.app.inject({ method: 'PATCH', url: '/account/v1/profile', headers: { cookie: c.cookie }, payload: { name: 'Evil' } })
    expect(none.statusCode).toBe(403)
    expect(none.json().error.code).toBe('csrf_failed')
    const wrong = await c.call('PATCH', '/account/v1/profile', { name: 'Evil' }, { 'x-csrf-token': other.csrf })
    expect(wrong.json().error.code).toBe('csrf_failed')
    expect((await c.call('GET', '/account/v1/session')).json().user.name).not.toBe('Evil')
  })

  it('locks an email after repeated failures: 429 login_locked with Retry-After, even for the right password, until the window passes', async () => {
    const u = await h.user()
    const attempt = (password: string) => h.app.inject({ method: 'POST', url: '/account/v1/login', payload: { email: u.email, password } })
    for (let i = 0; i < 4; i++) expect((await attempt('wrong password!')).statusCode).toBe(401)
    const fifth = await attempt('wrong password!')
    expect(fifth.statusCode).toBe(429)
    expect(fifth.json().error.code).toBe('login_locked')
    const right = await attempt(u.password)
    expect(right.statusCode).toBe(429)
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(800)
    h.clock.advance(15 * 60_000 + 1)
    expect((await attempt(u.password)).statusCode).toBe(200)
  })

  it('a disabled user’s session stops working and they cannot sign in', async () => {
    const c = await h.signedIn()
    await h.rt.store.db.updateTable('users').set({ disabledAt: h.clock.now() }).where('id', '=', c.user.id).execute()
    expect((await c.call('GET', '/account/v1/session')).statusCode).toBe(401)
    const again = await h.app.inject({ method: 'POST', url: '/account/v1/login', payload: { email: c.user.email, password: c.user.password } })
    expect(again.statusCode).toBe(401)
  })

  it('an expired session is refused', async () => {
    const c = await h.signedIn()
    h.clock.advance(336 * 3_600_000 + 1)
    expect((await c.call('GET', '/account/v1/session')).statusCode).toBe(401)
  })

  it('no cookie or a made-up token is 401 unauthorized', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/account/v1/session' })).json().error.code).toBe('unauthorized')
    const fake = await h.app.inject({ method: 'GET', url: '/account/v1/session', headers: { cookie: 'reelay_session=rls_' + 'a'.repeat(43) } })
    expect(fake.statusCode).toBe(401)
  })
})
