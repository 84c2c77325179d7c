import { writeFileSync } from 'node:fs'
import { InvalidArgumentError, type Command } from 'commander'
import { loadConfig } from '../config.js'
import { systemClock } from '../domain/clock.js'
import { codesCsv, createRedeem } from '../billing/redeem.js'
import { settleAccount } from '../billing/account-state.js'
import { creditsArg, withAccounts } from './commands.js'
import { emitter } from './output.js'
import type { CliIo } from './io.js'

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** `--expires`: an ISO date/time, or a span from now such as 30d, 12h or 2w. */
export function parseExpiry(text: string, now: number): number {
  const span = /^(\d{1,5})([hdw])$/.exec(text.trim())
  if (span) return now + Number(span[1]) * UNIT_MS[span[2]!]!
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN
  if (!Number.isFinite(at)) throw new InvalidArgumentError(`--expires must be an ISO date (2027-01-31 or 2027-01-31T12:00:00Z) or a span like 30d, 12h or 2w; got ${JSON.stringify(text)}`)
  if (at <= now) throw new InvalidArgumentError(`--expires ${text} is in the past`)
  return at
}

/** `reelay codes …` (redeem codes) and `reelay billing settle`. */
export function registerBillingCommands(program: Command, io: CliIo): void {
  const emit = emitter(io.out)
  const codes = program.command('codes').description('Redeem codes: batches of one-time codes worth credits')
  codes
    .command('create')
    .description('Create a batch of codes; they are shown once (and written to --csv), only their hashes are kept')
    .requiredOption('--credits <n>', 'credits each code adds: plain digits')
    .requiredOption('--count <m>', 'how many codes (1 to 10000)')
    .option('--expires <when>', 'ISO date or a span such as 30d; no expiry when absent')
    .option('--one-per-account', 'an account may redeem only one code of this batch')
    .option('--note <text>', 'what the batch is for (shown to operators only)')
    .option('--csv <file>', 'also write the codes to this CSV file (mode 0600)')
    .option('--json', 'machine-readable output')
    .action(async (o: { credits: string; count: string; expires?: string; onePerAccount?: boolean; note?: string; csv?: string; json?: boolean }) => {
      const credits = creditsArg(io.env, '--credits', o.credits, 1)
      if (!/^[1-9][0-9]{0,4}$/.test(o.count)) throw new InvalidArgumentError(`--count must be a whole number from 1 to 10000; got ${JSON.stringify(o.count)}`)
      const expiresAt = o.expires === undefined ? null : parseExpiry(o.expires, systemClock.now())
      const config = loadConfig(io.env)
      await withAccounts(io, async (_a, { store }) => {
        const created = await createRedeem(store, systemClock, { maxBalance: config.REELAY_MAX_BALANCE }).createBatch({
          credits,
          count: Number(o.count),
          expiresAt,
          onePerAccount: Boolean(o.onePerAccount),
          note: o.note ?? null,
        })
        if (o.csv) writeFileSync(o.csv, codesCsv(created), { mode: 0o600 })
        const { batch } = created
        const human = [
          `Created batch ${batch.id}: ${created.codes.length} code(s) of ${batch.credits} credits${batch.expiresAt ? `, expiring ${new Date(batch.expiresAt).toISOString()}` : ''}${batch.onePerAccount ? ', one per account' : ''}.`,
          'Shown this once (only their hashes are stored):',
          ...created.codes,
          ...(o.csv ? [`Written to ${o.csv}.`] : []),
        ].join('\n')
        emit(Boolean(o.json), { id: batch.id, credits: batch.credits, expiresAt: batch.expiresAt, onePerAccount: Boolean(batch.onePerAccount), codes: created.codes }, human)
      })
    })
  codes
    .command('status <batchId>')
    .description('Which codes of a batch were redeemed, by whom and when (CSV; codes show by their first group)')
    .action(async (batchId: string) => {
      const config = loadConfig(io.env)
      await withAccounts(io, async (_a, { store }) => {
        io.out(await createRedeem(store, systemClock, { maxBalance: config.REELAY_MAX_BALANCE }).statusCsv(batchId))
      })
    })

  program
    .command('billing')
    .description('Billing state of accounts')
    .command('settle <account>')
    .description('Lift a refund or dispute flag: the account may submit again')
    .action(async (name: string) => {
      await withAccounts(io, async (a, { store }) => {
        const acct = await a.byName(name)
        await settleAccount(store.db, acct.id, systemClock.now())
        io.out(`Settled ${acct.name}: submits are allowed again (within its available credits).\n`)
      })
    })
}
