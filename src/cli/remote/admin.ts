import { Command } from 'commander'
import { parseCredits } from '../../domain/credits.js'
import { CliFailure, EXIT, guard, type CustomerIo } from '../customer/failure.js'
import { table } from '../output.js'
import { remoteClient, type Answer, type RemoteClient } from './client.js'

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString())
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`

/** A credit amount: plain digits, at least 1; the server checks its own maximum. */
function creditsOf(text: string): number {
  const r = parseCredits(text, { min: 1, max: Number.MAX_SAFE_INTEGER })
  if (!r.ok) throw new CliFailure(`<credits> ${r.reason}`, EXIT.badInput, 'invalid_request', 'credits')
  return r.value
}

/**
 * One `reelay remote <name>` command: a call to /admin/v1 with the saved session, printed as
 * JSON with --json or as `human` otherwise.
 */
function remoteCommand<A extends unknown[]>(io: CustomerIo, name: string, description: string, call: (c: RemoteClient, ...args: A) => Promise<{ data: unknown; human: string; failed?: boolean }>) {
  const cmd = new Command(name).description(description).option('--json', 'machine-readable output')
  cmd.action(async (...args: unknown[]) => {
    const opts = cmd.opts<{ json?: boolean }>()
    await guard(io, Boolean(opts.json), async () => {
      const r = await call(remoteClient(io.env, io.sdk), ...(args.slice(0, -1) as A))
      io.out(opts.json ? json(r.data) : `${r.human}\n`)
      if (r.failed) io.exitCode = EXIT.failure
    })
  })
  return cmd
}

type AccountView = Answer<'/admin/v1/accounts/{id}', 'patch'>
const accountLine = (a: AccountView) => `${a.displayName ?? a.name} (${a.id}): plan ${a.plan}, balance ${a.balance}, available ${a.available}${a.disabled ? ', disabled' : ''}`

/** The operator commands over /admin/v1 (docs/api/admin.md); each is one call. */
export function remoteAdminCommands(io: CustomerIo): Command[] {
  const adjust = (sign: 1 | -1) => async (c: RemoteClient, id: string, credits: string, o: { reason: string }) => {
    const amount = sign * creditsOf(credits)
    const f = await c.send<Answer<'/admin/v1/accounts/{id}/credits', 'post'>>('POST', `/admin/v1/accounts/${encodeURIComponent(id)}/credits`, { amount, reason: o.reason })
    return { data: f, human: `${sign > 0 ? 'Granted' : 'Debited'} ${Math.abs(amount)} credits ${sign > 0 ? 'to' : 'from'} ${f.accountId}; balance ${f.balance}, available ${f.available}.` }
  }
  const setAccount = (patch: (arg: string) => { plan?: string; disabled?: boolean }) => async (c: RemoteClient, id: string, arg: string) => {
    const a = await c.send<AccountView>('PATCH', `/admin/v1/accounts/${encodeURIComponent(id)}`, patch(arg))
    return { data: a, human: accountLine(a) }
  }

  return [
    remoteCommand(io, 'accounts', 'Search accounts by name or id, newest first', async (c, o: { query?: string; limit?: string; cursor?: string }) => {
      const page = await c.get<Answer<'/admin/v1/accounts', 'get'>>('/admin/v1/accounts', { q: o.query, limit: o.limit, cursor: o.cursor })
      const rows = page.data.map((a) => ({
        id: a.id,
        name: a.displayName ?? a.name,
        kind: a.kind,
        plan: a.plan,
        balance: a.balance,
        reserved: a.reserved,
        available: a.available,
        disabled: a.disabled ? 'yes' : '',
      }))
      return { data: page, human: `${table(rows)}${page.nextCursor ? `\nMore: --cursor ${page.nextCursor}` : ''}` }
    })
      .option('--query <q>', 'name, display name or id contains')
      .option('--limit <n>', 'at most this many (1 to 100)')
      .option('--cursor <c>', 'the next page, from the previous answer'),

    remoteCommand(io, 'grant', 'Grant credits to an account, with a reason (ledgered and audited)', adjust(1))
      .argument('<accountId>')
      .argument('<credits>', 'plain digits, at least 1')
      .requiredOption('--reason <text>', 'why (kept in the ledger and the audit log)'),

    remoteCommand(io, 'debit', 'Take credits from an account, with a reason; never below what it has available', adjust(-1))
      .argument('<accountId>')
      .argument('<credits>', 'plain digits, at least 1')
      .requiredOption('--reason <text>', 'why (kept in the ledger and the audit log)'),

    remoteCommand(
      io,
      'plan',
      "Set an account's plan",
      setAccount((plan) => ({ plan })),
    )
      .argument('<accountId>')
      .argument('<plan>', 'a plan id of the server'),

    remoteCommand(
      io,
      'disable',
      'Disable an account: its keys and dashboard use stop',
      setAccount(() => ({ disabled: true })),
    ).argument('<accountId>'),

    remoteCommand(
      io,
      'enable',
      'Enable a disabled account again',
      setAccount(() => ({ disabled: false })),
    ).argument('<accountId>'),

    remoteCommand(io, 'users', 'Search users by email, name or id, newest first', async (c, o: { query?: string; limit?: string; cursor?: string }) => {
      const page = await c.get<Answer<'/admin/v1/users', 'get'>>('/admin/v1/users', { q: o.query, limit: o.limit, cursor: o.cursor })
      const rows = page.data.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled ? 'yes' : '', personalAccount: u.personalAccountId }))
      return { data: page, human: `${table(rows)}${page.nextCursor ? `\nMore: --cursor ${page.nextCursor}` : ''}` }
    })
      .option('--query <q>', 'email or name contains, or the id')
      .option('--limit <n>', 'at most this many (1 to 100)')
      .option('--cursor <c>', 'the next page, from the previous answer'),

    remoteCommand(io, 'reset-link', 'A one-time password-reset link for a user (24 hours); mailed too when the server has SMTP', async (c, userId: string) => {
      const link = await c.send<Answer<'/admin/v1/users/{id}/reset-link', 'post'>>('POST', `/admin/v1/users/${encodeURIComponent(userId)}/reset-link`, undefined)
      return { data: link, human: `${link.url}\n\nValid once until ${iso(link.expiresAt)}${link.mailed ? '; also mailed to the user' : ''}.` }
    }).argument('<userId>', 'usr_… (see `reelay remote users`)'),

    remoteCommand(
      io,
      'jobs',
      'Jobs across every account, with channel, upstream id and raw upstream error',
      async (c, o: { account?: string; status?: string; model?: string; limit?: string; cursor?: string }) => {
        const page = await c.get<Answer<'/admin/v1/jobs', 'get'>>('/admin/v1/jobs', { accountId: o.account, status: o.status, model: o.model, limit: o.limit, cursor: o.cursor })
        const rows = page.data.map((j) => ({
          id: j.id,
          account: j.accountId,
          model: j.model,
          status: j.status,
          channel: j.channel ?? '',
          upstream: j.upstreamId ?? '',
          created: iso(j.createdAt),
          error: j.upstreamError ?? j.error?.message ?? '',
        }))
        return { data: page, human: `${table(rows)}${page.nextCursor ? `\nMore: --cursor ${page.nextCursor}` : ''}` }
      },
    )
      .option('--account <id>', 'only this account')
      .option('--status <s>', 'queued, processing, succeeded, failed or cancelled')
      .option('--model <m>', 'only this model')
      .option('--limit <n>', 'at most this many (1 to 100)')
      .option('--cursor <c>', 'the next page, from the previous answer'),

    remoteCommand(io, 'channels', 'Upstream channels: health, circuit breaker, jobs in flight and capacity', async (c) => {
      const list = await c.get<Answer<'/admin/v1/channels', 'get'>>('/admin/v1/channels')
      return {
        data: list,
        human: table(
          list.map((ch) => ({
            name: ch.name,
            provider: ch.provider,
            region: ch.region ?? '',
            healthy: ch.healthy ? 'yes' : 'NO',
            breaker: ch.breaker,
            inFlight: ch.inFlight,
            capacity: ch.capacity ?? '',
          })),
        ),
      }
    }),

    remoteCommand(io, 'doctor', 'Check every account balance against its ledger on the server; exits 1 on a mismatch', async (c) => {
      // The SDK drops a body's `ok` flag (the API's envelope); the problems say it all.
      const { problems } = await c.get<Omit<Answer<'/admin/v1/doctor', 'get'>, 'ok'>>('/admin/v1/doctor')
      const ok = problems.length === 0
      return { data: { ok, problems }, human: ok ? 'All balances agree with the ledger.' : `Mismatches:\n${json(problems).trimEnd()}`, failed: !ok }
    }),

    remoteCommand(io, 'audit', 'The audit log of operator actions, newest first', async (c, o: { limit?: string; cursor?: string }) => {
      const page = await c.get<Answer<'/admin/v1/audit', 'get'>>('/admin/v1/audit', { limit: o.limit, cursor: o.cursor })
      const rows = page.data.map((e) => ({ at: iso(e.at), actor: e.actorUserId ?? '(cli)', action: e.action, target: e.target, detail: JSON.stringify(e.detail) }))
      return { data: page, human: `${table(rows)}${page.nextCursor ? `\nMore: --cursor ${page.nextCursor}` : ''}` }
    })
      .option('--limit <n>', 'at most this many (1 to 100)')
      .option('--cursor <c>', 'the next page, from the previous answer'),
  ]
}
