import { rmSync } from 'node:fs'
import { Command } from 'commander'
import { Reelay } from '#sdk'
import { CliFailure, EXIT, guard, type CustomerIo } from '../customer/failure.js'
import { isUrl } from '../customer/flags.js'
import { readFromStdin } from '../read-secret.js'
import { remoteFailure, type Answer } from './client.js'
import { readRemote, remotePath, writeRemote } from './session-file.js'

/** The session token from a login's `Set-Cookie` (the cookie `reelay_session`, see api/account/session-auth.ts). */
function sessionTokenOf(headers: Headers): string | null {
  for (const c of headers.getSetCookie()) {
    const m = /^reelay_session=(rls_[^;\s]+)/.exec(c)
    if (m) return m[1]!
  }
  return null
}

/** Ends a session on the server; best effort (the file is gone either way). */
async function endSession(baseUrl: string, token: string): Promise<void> {
  const client = new Reelay({ apiKey: token, baseURL: baseUrl, maxRetries: 0 })
  // 204, no body: the raw call, not the JSON one.
  await client.fetchRaw('POST', client.url('/account/v1/logout')).catch(() => undefined)
}

/** `reelay remote login`: signs in as an operator and saves the session (mode 0600). */
export function remoteLoginCommand(io: CustomerIo): Command {
  return new Command('login')
    .description('Sign in to a Reelay server as an operator; the session is saved readable only by you')
    .requiredOption('--url <base>', 'the server, e.g. https://reelay.example.com')
    .requiredOption('--email <email>', 'your operator email')
    .option('--password-stdin', 'read the password from stdin (it is asked for either way; this only says so)')
    .option('--json', 'machine-readable output')
    .action(async (o: { url: string; email: string; json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const baseUrl = o.url.replace(/\/+$/, '')
        if (!isUrl(baseUrl)) throw new CliFailure(`--url must be an http(s) URL (got ${o.url})`, EXIT.badInput, 'invalid_request', '--url')
        const password = await (io.readSecret ?? readFromStdin)('Password: ')
        if (!password) throw new CliFailure('No password given (type it when asked, or pipe it with --password-stdin)', EXIT.badInput, 'invalid_request', 'password')
        const anonymous = new Reelay({ ...io.sdk, baseURL: baseUrl, maxRetries: 0 })
        let answer
        try {
          answer = await anonymous.requestWithMeta<Answer<'/account/v1/login', 'post'>>('POST', '/account/v1/login', { body: { email: o.email, password } })
        } catch (err) {
          // A 401 here is a wrong password, not a lost session: say the server's words.
          if (err instanceof CliFailure || (err as { status?: number }).status === 401) throw err
          throw remoteFailure(err, { baseUrl, email: o.email })
        }
        const token = sessionTokenOf(answer.headers)
        if (!token) throw new CliFailure(`${baseUrl} signed you in but sent no session cookie; is it a Reelay server?`, EXIT.failure, 'no_session')
        const { user, csrfToken } = answer.data
        if (user.role !== 'admin') {
          await endSession(baseUrl, token)
          throw new CliFailure(`${user.email} is not an operator on ${baseUrl} (role ${user.role}); nothing was saved`, EXIT.auth, 'forbidden')
        }
        const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('reelay_session='))
        const maxAge = Number(/Max-Age=(\d+)/i.exec(cookie ?? '')?.[1] ?? 0)
        const expiresAt = Date.now() + maxAge * 1000
        const file = writeRemote(io.env, { baseUrl, email: user.email, token, csrfToken, expiresAt })
        const data = { baseUrl, email: user.email, userId: user.id, expiresAt, saved: file }
        io.out(
          o.json ? `${JSON.stringify(data, null, 2)}\n` : `Signed in to ${baseUrl} as ${user.email} (operator) until ${new Date(expiresAt).toISOString()}.\nSaved to ${file} (readable only by you).\n`,
        )
      })
    })
}

/** `reelay remote logout`: ends the session on the server and removes the saved file. */
export function remoteLogoutCommand(io: CustomerIo): Command {
  return new Command('logout').description('End the saved operator session and remove it').action(async () => {
    await guard(io, false, async () => {
      const s = readRemote(io.env)
      if (!s) return void io.out('Not signed in.\n')
      await endSession(s.baseUrl, s.token)
      rmSync(remotePath(io.env), { force: true })
      io.out(`Signed out of ${s.baseUrl}.\n`)
    })
  })
}
