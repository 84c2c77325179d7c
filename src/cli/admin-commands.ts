import { randomBytes } from 'node:crypto'
import type { Command } from 'commander'
import { loadConfig } from '../config.js'
import { systemClock } from '../domain/clock.js'
import { AppError } from '../errors.js'
import { createPeople, type People } from '../accounts/people.js'
import { viewUser } from '../accounts/users.js'
import { withAccounts } from './commands.js'
import { emitter, table } from './output.js'
import { readFromStdin } from './read-secret.js'
import { createMailer } from '../mail/mailer.js'
import type { CliIo } from './io.js'

/** Users, sessions and the audit log on the configured database, for one command. */
function withPeople<T>(io: CliIo, fn: (people: People) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env)
  const mailer = createMailer(config, { warn: (detail, message) => io.err(`warning: ${message} (${JSON.stringify(detail)})\n`) })
  return withAccounts(io, (_a, { store }) => fn(createPeople(store, systemClock, config, mailer))).finally(() => mailer?.close())
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * `reelay admin …`: operators (users with role admin) made and helped on the server itself, for
 * the first operator or when nobody can sign in. Changes are audited with no acting user (the CLI).
 */
export function registerAdminCommands(program: Command, io: CliIo): void {
  const emit = emitter(io.out)
  const admin = program.command('admin').description('Operators: users with role admin, who may use /admin/v1 and the dashboard')

  admin
    .command('create')
    .description('Create an operator with a personal account; the password is generated and printed once unless --password-stdin')
    .requiredOption('--email <email>', 'their email (they sign in with it)')
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .option('--password-stdin', 'read the password from stdin (asked for, not echoed, on a terminal)')
    .option('--json', 'machine-readable output')
    .action(async (o: { email: string; name?: string; passwordStdin?: boolean; json?: boolean }) => {
      // 18 random bytes: 24 characters, well past the 10-character rule.
      const password = o.passwordStdin ? await (io.readSecret ?? readFromStdin)('Password: ') : randomBytes(18).toString('base64url')
      if (!password) throw new AppError('invalid_request', 'No password on stdin (--password-stdin); leave the flag out to have one generated', { field: 'password' })
      await withPeople(io, async (people) => {
        const user = viewUser(await people.createAdmin(null, { email: o.email, password, name: o.name }))
        const shown = o.passwordStdin ? {} : { password }
        const human = [`Created operator ${user.email} (${user.id}) with personal account ${user.personalAccountId}.`, ...(o.passwordStdin ? [] : [`Password (shown this once): ${password}`])].join(
          '\n',
        )
        emit(Boolean(o.json), { ...user, ...shown }, human)
      })
    })

  admin
    .command('list')
    .description('Operators, newest first')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      await withPeople(io, async (people) => {
        const rows = []
        // Pages of 100 until the end: a server has few operators, but the list is exact.
        for (let cursor: string | undefined, more = true; more;) {
          const page = await people.users.list({ role: 'admin', limit: 100, ...(cursor ? { cursor } : {}) })
          rows.push(...page.data.map(viewUser))
          cursor = page.nextCursor ?? undefined
          more = page.nextCursor !== null
        }
        emit(Boolean(o.json), rows, table(rows.map((u) => ({ id: u.id, email: u.email, name: u.name, disabled: u.disabled ? 'yes' : '', created: iso(u.createdAt) }))))
      })
    })

  admin
    .command('reset-link')
    .description('A one-time password-reset link for any user (24 hours), as POST /admin/v1/users/:id/reset-link issues; mailed too when SMTP is set')
    .requiredOption('--email <email>', 'the user')
    .option('--json', 'machine-readable output')
    .action(async (o: { email: string; json?: boolean }) => {
      await withPeople(io, async (people) => {
        const user = await people.users.byEmail(o.email)
        if (!user) throw new AppError('not_found', `No user with the email ${o.email.trim()}.`)
        const link = await people.resetLink(null, user.id)
        emit(
          Boolean(o.json),
          { userId: user.id, email: user.email, ...link },
          `${link.url}\n\nReset link for ${user.email}, valid once until ${iso(link.expiresAt)}${link.mailed ? '; also mailed to them' : ''}.`,
        )
      })
    })
}
