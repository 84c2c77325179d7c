import { createHarness, type HarnessOptions } from './harness.js'
import type { LightMyRequestResponse } from 'fastify'

/** A harness for the session APIs: cheap password hashes (the cost is a setting) and signed-in clients. */
export async function createPeopleHarness(opts: HarnessOptions = {}) {
  const h = await createHarness({ ...opts, env: { REELAY_PASSWORD_SCRYPT_COST: '10', REELAY_SIGNUP_MODE: 'open', ...opts.env } })
  let n = 0

  /** A user made directly in the database (role `user` unless asked). */
  async function user(o: { email?: string; password?: string; role?: 'user' | 'admin'; name?: string } = {}) {
    const email = o.email ?? `user${++n}-${Math.random().toString(36).slice(2, 8)}@example.com`
    const password = o.password ?? 'correct horse battery'
    const p = await h.rt.people.users.prepare({ email, password, name: o.name, role: o.role ?? 'user' })
    const row = await h.rt.store.db.transaction().execute((trx) => h.rt.people.users.insert(trx, p))
    return { ...row, password }
  }

  /** Signs in through the API; `call` sends the cookie and (on changes) the CSRF header. */
  async function signIn(email: string, password: string) {
    const res = await h.app.inject({ method: 'POST', url: '/account/v1/login', payload: { email, password } })
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
    return client(res)
  }

  function client(res: LightMyRequestResponse) {
    const cookie = cookieFrom(res)
    const csrf = (res.json() as { csrfToken: string }).csrfToken
    return {
      cookie,
      csrf,
      session: res.json() as { user: { id: string; email: string; role: string }; accounts: Array<{ id: string; name: string; kind: string; role: string }>; csrfToken: string },
      call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
        const changes = method !== 'GET'
        return h.app.inject({ method, url, headers: { cookie, ...(changes ? { 'x-csrf-token': csrf } : {}), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) })
      },
    }
  }

  async function signedIn(o: Parameters<typeof user>[0] = {}) {
    const u = await user(o)
    return { user: u, ...(await signIn(u.email, u.password)) }
  }

  /** Grants credits to an account by id (the ledger's grant, as operators do). */
  async function grant(accountId: string, credits: number) {
    const a = await h.rt.store.db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow()
    return h.rt.accounts.grant(a.name, credits, 'test grant')
  }

  return { ...h, user, signIn, signedIn, client, grant }
}

export function cookieFrom(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie']
  const first = Array.isArray(set) ? set[0] : set
  if (!first) throw new Error('no Set-Cookie')
  return first.split(';')[0]!
}

export type PeopleHarness = Awaited<ReturnType<typeof createPeopleHarness>>
