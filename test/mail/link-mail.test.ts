import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'
import { cliWith } from '../support/cli.js'

interface Received {
  from: string
  to: string[]
  /** The message with quoted-printable soft breaks and escapes undone: links read whole. */
  text: string
}

/** A real SMTP server on 127.0.0.1 that takes only the user `reelay` with its password. */
async function startSmtp() {
  const received: Received[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'reelay' && auth.password === 's3cret') cb(null, { user: 'reelay' })
      else cb(new Error('Invalid username or password'))
    },
    onData(stream, session, cb) {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (c: string) => (raw += c))
      stream.on('end', () => {
        const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), text })
        cb()
      })
    },
  })
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  const port = (server.server.address() as AddressInfo).port
  return { received, port, close: () => new Promise<void>((r) => server.close(() => r())) }
}

let smtp: Awaited<ReturnType<typeof startSmtp>>
let h: PeopleHarness

beforeAll(async () => {
  smtp = await startSmtp()
  h = await createPeopleHarness({
    env: { REELAY_SMTP_URL: `smtp://reelay:s3cret@127.0.0.1:${smtp.port}`, REELAY_MAIL_FROM: 'Reelay Ops <ops@reelay.example.com>', REELAY_PUBLIC_URL: 'https://reelay.example.com' },
  })
})
afterAll(async () => {
  await h.close()
  await smtp.close()
})

const linkIn = (text: string, path: string) => new RegExp(`https://reelay\\.example\\.com/${path}\\?token=[A-Za-z0-9_-]+`).exec(text)?.[0]

describe('links by mail when REELAY_SMTP_URL is set', () => {
  it("mails an operator's reset link to the user, and the mailed link sets a new password", async () => {
    const admin = await h.signedIn({ role: 'admin' })
    const user = await h.user({ email: 'forgetful@example.com' })
    const res = await admin.call('POST', `/admin/v1/users/${user.id}/reset-link`)
    expect(res.statusCode).toBe(200)
    const answer = res.json()
    expect(answer.mailed).toBe(true)

    const mail = smtp.received.find((m) => m.to.includes('forgetful@example.com'))!
    expect(mail.from).toBe('ops@reelay.example.com')
    expect(mail.text).toMatch(/Subject: Reset your Reelay password/)
    expect(linkIn(mail.text, 'reset')).toBe(answer.url)

    const token = new URL(linkIn(mail.text, 'reset')!).searchParams.get('token')
    expect((await h.app.inject({ method: 'POST', url: '/account/v1/password-reset', payload: { token, password: 'remembered at last' } })).statusCode).toBe(204)
    await h.signIn('forgetful@example.com', 'remembered at last')
  })

  it('mails sign-up invites from operators and team invites naming the team', async () => {
    const admin = await h.signedIn({ role: 'admin' })
    const inv = await admin.call('POST', '/admin/v1/invites', { email: 'New.Person@Example.com' })
    expect(inv.statusCode).toBe(201)
    expect(inv.json().mailed).toBe(true)
    const signupMail = smtp.received.find((m) => m.to.includes('new.person@example.com'))!
    expect(signupMail.text).toMatch(/Subject: You are invited to Reelay/)
    expect(linkIn(signupMail.text, 'invite')).toBe(inv.json().inviteUrl)

    const owner = await h.signedIn()
    const team = (await owner.call('POST', '/account/v1/teams', { name: 'Night Shift' })).json()
    const teamInv = await owner.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'colleague@example.com', role: 'member' })
    expect(teamInv.json().mailed).toBe(true)
    const teamMail = smtp.received.find((m) => m.to.includes('colleague@example.com'))!
    expect(teamMail.text).toMatch(/Subject: You are invited to the team Night Shift on Reelay/)
    expect(linkIn(teamMail.text, 'invite')).toBe(teamInv.json().inviteUrl)
  })

  it('`reelay admin reset-link` mails the link as well', async () => {
    const user = await h.user({ email: 'cli-reset@example.com' })
    const cli = cliWith({
      REELAY_DATA_DIR: h.dir,
      ...(h.config.DATABASE_URL ? { DATABASE_URL: h.config.DATABASE_URL } : {}),
      REELAY_SMTP_URL: h.config.REELAY_SMTP_URL,
      REELAY_PUBLIC_URL: 'https://reelay.example.com',
    })
    const r = await cli('admin', 'reset-link', '--email', user.email)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/also mailed to them/)
    const mail = smtp.received.find((m) => m.to.includes('cli-reset@example.com'))!
    expect(linkIn(mail.text, 'reset')).toBe(r.stdout.split('\n')[0])
  })
})

describe('when the mail server refuses or is down', () => {
  it('still hands the operator the link, saying it was not mailed', async () => {
    const wrongPassword = await createPeopleHarness({ env: { REELAY_SMTP_URL: `smtp://reelay:wrong@127.0.0.1:${smtp.port}` } })
    try {
      const admin = await wrongPassword.signedIn({ role: 'admin' })
      const user = await wrongPassword.user()
      const res = await admin.call('POST', `/admin/v1/users/${user.id}/reset-link`)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ url: expect.stringContaining('/reset?token='), mailed: false })
      expect(smtp.received.some((m) => m.to.includes(user.email))).toBe(false)
    } finally {
      await wrongPassword.close()
    }
  })
})
