import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { createSdkHarness, type SdkHarness } from '../support/sdk.js'
import type { CustomerIo } from '../../src/cli/customer/failure.js'

let h: SdkHarness
let dir: string
const OPERATOR = { email: 'ops@example.com', password: 'operator password 1' }

beforeAll(async () => {
  h = await createSdkHarness({ env: { REELAY_PASSWORD_SCRYPT_COST: '10', REELAY_SIGNUP_MODE: 'open' } })
  dir = mkdtempSync(path.join(tmpdir(), 'reelay-remote-cli-'))
  await h.rt.people.createAdmin(null, OPERATOR)
  await h.rt.people.signup({ email: 'customer@example.com', password: 'customer password' })
})
afterAll(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

/** `reelay …` in this process with its own config dir; `password` is what the prompt reads. */
function cliIn(home: string, password = OPERATOR.password) {
  return async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const io: CustomerIo = {
      env: { XDG_CONFIG_HOME: path.join(dir, home) },
      out: (t) => void (stdout += t),
      err: (t) => void (stderr += t),
      exitCode: 0,
      readSecret: async () => password,
    }
    const code = await runCli(args, io)
    return { code, stdout, stderr }
  }
}

describe('reelay remote login', () => {
  it('saves the session readable only by the user, and refuses wrong passwords and non-operators', async () => {
    const file = path.join(dir, 'login', 'reelay', 'remote.json')
    const wrong = await cliIn('login', 'not the password')('remote', 'login', '--url', h.baseURL, '--email', OPERATOR.email)
    expect(wrong.code).toBe(4)
    expect(wrong.stderr).toMatch(/email or password is wrong/)
    expect(() => statSync(file)).toThrow()

    const customer = await cliIn('login', 'customer password')('remote', 'login', '--url', h.baseURL, '--email', 'customer@example.com')
    expect(customer.code).toBe(4)
    expect(customer.stderr).toMatch(/customer@example\.com is not an operator .*nothing was saved/)
    expect(() => statSync(file)).toThrow()

    const ok = await cliIn('login')('remote', 'login', '--url', `${h.baseURL}/`, '--email', OPERATOR.email)
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/Signed in to http:\/\/127\.0\.0\.1:\d+ as ops@example\.com \(operator\)/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ baseUrl: h.baseURL, email: OPERATOR.email, token: expect.stringMatching(/^rls_/), csrfToken: expect.any(String) })
  })

  it('asks to sign in when there is no session, or when it has ended', async () => {
    const none = await cliIn('nobody')('remote', 'accounts')
    expect(none.code).toBe(4)
    expect(none.stderr).toMatch(/Not signed in: run `reelay remote login/)

    const cli = cliIn('ended')
    expect((await cli('remote', 'login', '--url', h.baseURL, '--email', OPERATOR.email)).code).toBe(0)
    expect((await cli('remote', 'logout')).stdout).toMatch(/Signed out/)
    // The server ended the session too: a copy of the file would not work either.
    expect((await cli('remote', 'accounts')).stderr).toMatch(/Not signed in: run `reelay remote login/)
  })

  it('says so when the signed-in user is no longer an operator', async () => {
    const demoted = { email: 'demoted@example.com', password: 'demoted password' }
    const u = await h.rt.people.createAdmin(null, demoted)
    const cli = cliIn('demoted', demoted.password)
    expect((await cli('remote', 'login', '--url', h.baseURL, '--email', demoted.email)).code).toBe(0)
    await h.rt.store.db.updateTable('users').set({ role: 'user' }).where('id', '=', u.id).execute()
    const r = await cli('remote', 'doctor')
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/demoted@example\.com is not an operator on http:\/\/127\.0\.0\.1:\d+/)
  })
})

describe('reelay remote operator commands', () => {
  beforeAll(async () => {
    expect((await cliIn('ops')('remote', 'login', '--url', h.baseURL, '--email', OPERATOR.email)).code).toBe(0)
  })

  it('finds an account, grants and debits with a reason, and the audit log shows who did it', async () => {
    const cli = cliIn('ops')
    const c = await h.customer(100)

    const found = JSON.parse((await cli('remote', 'accounts', '--query', c.account.name, '--json')).stdout)
    expect(found.data).toEqual([expect.objectContaining({ id: c.account.id, balance: 100, available: 100 })])
    expect((await cli('remote', 'accounts', '--query', c.account.name)).stdout).toMatch(new RegExp(`^id .*\\n${c.account.id}\\s+${c.account.name}\\s+service\\s+default\\s+100`))

    const granted = await cli('remote', 'grant', c.account.id, '250', '--reason', 'support ticket 42')
    expect(granted.code, granted.stderr).toBe(0)
    expect(granted.stdout).toBe(`Granted 250 credits to ${c.account.id}; balance 350, available 350.\n`)
    expect(await h.client(c.key).usage.get()).toMatchObject({ balance: 350 })

    const tooMuch = await cli('remote', 'debit', c.account.id, '1000', '--reason', 'refund reversal')
    expect(tooMuch.code).toBe(2)
    expect(tooMuch.stderr).toMatch(/below zero \(available: 350\)/)
    expect((await cli('remote', 'debit', c.account.id, '50', '--reason', 'refund reversal', '--json')).stdout).toContain('"balance": 300')

    const bad = await cli('remote', 'grant', c.account.id, '1e3', '--reason', 'x')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/plain digits/)

    const audit = JSON.parse((await cli('remote', 'audit', '--limit', '5', '--json')).stdout)
    const me = (await h.rt.people.users.byEmail(OPERATOR.email))!
    expect(audit.data.slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'credits.debit', target: c.account.id, actorUserId: me.id, detail: { amount: -50, reason: 'refund reversal' } }),
      expect.objectContaining({ action: 'credits.grant', target: c.account.id, actorUserId: me.id, detail: { amount: 250, reason: 'support ticket 42' } }),
    ])
  })

  it("sets an account's plan, disables it so its key stops working, and enables it again", async () => {
    const cli = cliIn('ops')
    const c = await h.customer(100)
    expect((await cli('remote', 'plan', c.account.id, 'pro')).stdout).toMatch(/plan pro, balance 100/)
    const unknown = await cli('remote', 'plan', c.account.id, 'platinum')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/plan.*must be one of default, pro/)

    expect((await cli('remote', 'disable', c.account.id)).stdout).toMatch(/, disabled\n$/)
    await expect(h.client(c.key, { maxRetries: 0 }).usage.get()).rejects.toMatchObject({ status: expect.any(Number) })
    expect((await cli('remote', 'enable', c.account.id)).stdout).not.toMatch(/disabled/)
    expect(await h.client(c.key).usage.get()).toMatchObject({ plan: { id: 'pro' } })
  })

  it('finds a user and issues them a reset link that sets a new password', async () => {
    const cli = cliIn('ops')
    const users = JSON.parse((await cli('remote', 'users', '--query', 'customer@', '--json')).stdout)
    expect(users.data).toEqual([expect.objectContaining({ email: 'customer@example.com', role: 'user' })])
    const r = await cli('remote', 'reset-link', users.data[0].id)
    expect(r.code, r.stderr).toBe(0)
    const url = r.stdout.split('\n')[0]!
    expect(url).toMatch(/\/reset\?token=rlr_/)
    const reset = await fetch(`${h.baseURL}/account/v1/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(url).searchParams.get('token'), password: 'customer password 2' }),
    })
    expect(reset.status).toBe(204)
    expect((await cliIn('reset', 'customer password 2')('remote', 'login', '--url', h.baseURL, '--email', 'customer@example.com')).stderr).toMatch(/not an operator/)
    expect((await cli('remote', 'reset-link', 'usr_nobody')).code).toBe(2)
  })

  it('lists jobs with their channel, the channels, and runs the ledger doctor', async () => {
    const cli = cliIn('ops')
    const c = await h.customer(1_000)
    const job = await h.client(c.key).images.create({ prompt: 'a lighthouse at dusk' })
    await h.rt.worker.drain()

    const jobs = JSON.parse((await cli('remote', 'jobs', '--account', c.account.id, '--json')).stdout)
    expect(jobs.data).toEqual([expect.objectContaining({ id: job.jobId, accountId: c.account.id, status: 'succeeded', provider: 'studio' })])
    expect((await cli('remote', 'jobs', '--account', c.account.id)).stdout).toContain(job.jobId)

    expect((await cli('remote', 'channels')).stdout).toMatch(/^name\s+provider\s+region\s+healthy.*\nstudio\s+studio\s+yes/)
    const doctor = await cli('remote', 'doctor', '--json')
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0)
    expect(JSON.parse(doctor.stdout)).toEqual({ ok: true, problems: [] })
  })
})
