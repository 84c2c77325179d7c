import { Command, InvalidArgumentError } from 'commander'
import { REGION_PATTERN, REGION_RULE } from '../domain/region.js'
import { loadConfig } from '../config.js'
import { findLedgerMismatches } from '../ledger/doctor.js'
import { AppError } from '../errors.js'
import { openStore } from '../store/db.js'
import { migrateToLatest } from '../store/migrate.js'
import { createAccounts, type AccountsOptions } from '../accounts/accounts.js'
import { createRedisRevocations } from '../accounts/revocations.js'
import { loadPriceBook, planOf } from '../catalog/prices.js'
import { systemClock } from '../domain/clock.js'
import { emitter, table } from './output.js'
import type { CliIo } from './io.js'
import { loadChannels } from '../providers/channels.js'
import { checkChannelAuth } from '../providers/auth-check.js'
import { createWebhookEndpoints } from '../webhooks/endpoints.js'
import { checkUrlSyntax } from '../net/url-policy.js'
import { reachesThisServer } from '../net/submit-urls.js'
import { loadSecretKeys } from '../secrets/key-source.js'
import { newSecretKey } from '../secrets/secret-box.js'
import { resealSecrets } from '../secrets/reseal.js'
import { loadOrCreateSecret } from '../store/secrets.js'
import { countActiveOnChannel } from '../store/jobs/index.js'
import { parseCredits } from '../domain/credits.js'
import { PROMPT_MODES } from '../prompts/prompt-config.js'
import { registerCustomerCommands } from './customer/index.js'
import { registerBillingCommands } from './billing-commands.js'
import { registerAdminCommands } from './admin-commands.js'
import { registerRemoteCommands } from './remote/index.js'

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString())

/**
 * A credit amount as an operator types it: plain digits, `min` to the maximum balance. Parsed
 * in the action rather than by commander, so a bad value is one line of error, not the help.
 */
export function creditsArg(env: CliIo['env'], name: string, v: string, min: number): number {
  const r = parseCredits(v, { min, max: loadConfig(env).REELAY_MAX_BALANCE })
  if (!r.ok) throw new AppError('invalid_request', `${name} ${r.reason}`, { field: name })
  return r.value
}

/**
 * Opens the configured database, migrated, for one command; closes it afterwards. Every write
 * goes through the same modules, and so the same transactions (BEGIN IMMEDIATE on SQLite), as
 * the server's: safe to run beside a live server.
 */
export async function withAccounts<T>(io: CliIo, fn: (a: ReturnType<typeof createAccounts>, ctx: { store: ReturnType<typeof openStore> }) => Promise<T>, opts: AccountsOptions = {}): Promise<T> {
  const config = loadConfig(io.env)
  const store = openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    synchronous: config.REELAY_SQLITE_SYNCHRONOUS,
    poolSize: 2,
    busyTimeoutMs: config.REELAY_SQLITE_BUSY_TIMEOUT_MS,
  })
  try {
    await migrateToLatest(store.db, store.caps.dialect)
    return await fn(createAccounts(store, systemClock, { maxBalance: config.REELAY_MAX_BALANCE, ...opts }), { store })
  } finally {
    await store.close()
  }
}

/** The command tree, writing to `io` (the process, or a test's buffers); see `run.ts`. */
export function buildCli(io: CliIo): Command {
  const emit = emitter(io.out)
  // Set before any subcommand exists: commander copies these settings into each one.
  const program = new Command('reelay')
    .description('Reelay: self-hosted API server for image and video generation')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })

  program
    .command('serve')
    .description('Run the HTTP API and/or the worker')
    .option('--role <role>', 'api, worker or all', 'all')
    .action(async (o: { role: string }) => {
      if (!['api', 'worker', 'all'].includes(o.role)) throw new InvalidArgumentError('--role must be api, worker or all')
      // Loaded only here: the HTTP app is a large import graph the other commands never need.
      const { serve } = await import('./serve.js')
      await serve(o.role as 'api' | 'worker' | 'all')
    })

  program
    .command('migrate')
    .description('Apply database migrations')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig(io.env)
      const store = openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, busyTimeoutMs: config.REELAY_SQLITE_BUSY_TIMEOUT_MS })
      try {
        const applied = await migrateToLatest(store.db, store.caps.dialect)
        emit(Boolean(o.json), { applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.')
      } finally {
        await store.close()
      }
    })

  const accounts = program.command('accounts').description('Manage customer accounts')
  accounts
    .command('create <name>')
    .option('--credits <n>', 'initial credits: plain digits', '0')
    .option('--plan <plan>', 'plan id (see the price file)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { credits: string; plan?: string; json?: boolean }) => {
      const initial = creditsArg(io.env, '--credits', o.credits, 0)
      const config = loadConfig(io.env)
      const book = loadPriceBook(config.pricesFile)
      const plan = o.plan ?? config.REELAY_DEFAULT_PLAN
      if (!book.plans[plan]) throw new InvalidArgumentError(`Unknown plan ${plan}; known plans: ${Object.keys(book.plans).join(', ')}`)
      await withAccounts(io, async (a) => {
        const acct = await a.create(name, plan, initial)
        emit(Boolean(o.json), acct, `Created account ${acct.name} (${acct.id}) on plan ${acct.plan} with ${acct.balance} credits.`)
      })
    })
  accounts
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      await withAccounts(io, async (a) => {
        const rows = await a.list()
        emit(Boolean(o.json), rows, table(rows.map((r) => ({ id: r.id, name: r.name, plan: r.plan, balance: r.balance, reserved: r.reserved, available: r.balance - r.reserved }))))
      })
    })

  accounts
    .command('prompt-mode')
    .description("The account's default prompt mode (docs/prompts.md)")
    .argument('<account>')
    .argument('<mode>', `${PROMPT_MODES.join(', ')}, or default for the operator's`, (v: string) => {
      if (v !== 'default' && !(PROMPT_MODES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${PROMPT_MODES.join(', ')} or default`)
      return v
    })
    .action(async (name: string, mode: string) => {
      await withAccounts(io, async (a, { store }) => {
        const acct = await a.byName(name)
        await store.db.updateTable('accounts').set({ promptMode: mode === 'default' ? null : mode }).where('id', '=', acct.id).execute()
        emit(false, {}, `Account ${acct.name}: prompt mode ${mode}.`)
      })
    })

  accounts
    .command('region')
    .description("The account's default region for new jobs (docs/deploy.md)")
    .argument('<account>')
    .argument('<region>', "a region name, or default for the node's", (v: string) => {
      if (v !== 'default' && !REGION_PATTERN.test(v)) throw new InvalidArgumentError(`must be ${REGION_RULE}, or default`)
      return v
    })
    .action(async (name: string, region: string) => {
      await withAccounts(io, async (a, { store }) => {
        const acct = await a.byName(name)
        await store.db.updateTable('accounts').set({ region: region === 'default' ? null : region }).where('id', '=', acct.id).execute()
        emit(false, {}, `Account ${acct.name}: region ${region}.`)
      })
    })

  const keys = program.command('keys').description('Manage API keys')
  keys
    .command('create')
    .requiredOption('--account <name>', 'account name')
    .option('--name <label>', 'a label for the key')
    .option('--json', 'machine-readable output')
    .action(async (o: { account: string; name?: string; json?: boolean }) => {
      await withAccounts(io, async (a) => {
        const { key, info } = await a.createKey(o.account, o.name ?? null)
        emit(Boolean(o.json), { ...info, key }, `${key}\n\nKey ${info.id} for account ${info.accountName}. This is the only time the key is shown: store it now.`)
      })
    })
  keys
    .command('list')
    .option('--account <name>', 'only this account')
    .option('--json', 'machine-readable output')
    .action(async (o: { account?: string; json?: boolean }) => {
      await withAccounts(io, async (a) => {
        const rows = await a.listKeys(o.account)
        emit(
          Boolean(o.json),
          rows,
          table(rows.map((r) => ({ id: r.id, account: r.accountName, name: r.name ?? '', key: r.prefix, created: iso(r.createdAt), revoked: iso(r.revokedAt) }))),
        )
      })
    })
  keys
    .command('revoke <id>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      // PostgreSQL servers hear of it by NOTIFY; servers sharing Redis by its channel.
      const redis = await createRedisRevocations(loadConfig(io.env).REDIS_URL)
      try {
        await withAccounts(
          io,
          async (a) => {
            await a.revokeKey(id)
            emit(Boolean(o.json), { id, revoked: true }, `Revoked ${id}.`)
          },
          {
            onRevoked: async (keyId) => {
              await redis?.publish(keyId).catch((err: unknown) => io.err(`warning: could not publish the revocation on Redis (${String(err)}); running servers drop the key within 2 s\n`))
            },
          },
        )
      } finally {
        await redis?.close()
      }
    })

  const credits = program.command('credits').description('Grant and inspect credits')
  credits
    .command('grant')
    .argument('<account>')
    .argument('<n>', 'credits to add: plain digits, at least 1')
    .option('--note <text>', 'why')
    .option('--json', 'machine-readable output')
    .action(async (name: string, n: string, o: { note?: string; json?: boolean }) => {
      const amount = creditsArg(io.env, '<n>', n, 1)
      await withAccounts(io, async (a) => {
        const acct = await a.grant(name, amount, o.note ?? null)
        emit(Boolean(o.json), { account: acct.name, granted: amount, balance: acct.balance, reserved: acct.reserved, available: acct.balance - acct.reserved }, `Granted ${amount} credits to ${acct.name}; balance ${acct.balance}, available ${acct.balance - acct.reserved}.`)
      })
    })
  credits
    .command('show <account>')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { json?: boolean }) => {
      const config = loadConfig(io.env)
      const book = loadPriceBook(config.pricesFile)
      await withAccounts(io, async (a) => {
        const acct = await a.byName(name)
        const plan = planOf(book, acct.plan)
        const data = { account: acct.name, plan: plan.id, balance: acct.balance, reserved: acct.reserved, available: acct.balance - acct.reserved }
        emit(Boolean(o.json), data, `${acct.name} (${plan.id}): balance ${data.balance}, reserved ${data.reserved}, available ${data.available}`)
      })
    })

  const webhooks = program.command('webhooks').description("An API key's default webhook URL and signing secret")
  const showEndpoint = (ep: { apiKeyId: string; url: string | null; secret: string; progressEvents: number; disabledAt: number | null; disabledReason: string | null }) => ({
    key: ep.apiKeyId,
    url: ep.url,
    secret: ep.secret,
    progressEvents: Boolean(ep.progressEvents),
    disabled: ep.disabledAt ? { at: iso(ep.disabledAt), reason: ep.disabledReason } : null,
  })
  webhooks
    .command('set')
    .requiredOption('--key <id>', 'API key id (key_…)')
    .option('--url <url>', 'default webhook URL ("none" removes it)')
    .option('--rotate-secret', 'issue a new secret; the old one keeps signing for the overlap window')
    .option('--progress <on|off>', 'also send job.progress events')
    .option('--json', 'machine-readable output')
    .action(async (o: { key: string; url?: string; rotateSecret?: boolean; progress?: string; json?: boolean }) => {
      const config = loadConfig(io.env)
      if (o.url && o.url !== 'none') {
        const r = checkUrlSyntax(o.url, { allowPrivate: config.REELAY_ALLOW_PRIVATE_URLS })
        if (!r.ok) throw new InvalidArgumentError(`--url ${r.reason}`)
        if (reachesThisServer(o.url, config.publicUrl)) throw new InvalidArgumentError('--url must not point to this server')
      }
      await withAccounts(io, async (a, { store }) => {
        const key = (await a.listKeys()).find((k) => k.id === o.key)
        if (!key) throw new InvalidArgumentError(`No key ${o.key}`)
        const eps = createWebhookEndpoints(store, systemClock, config.REELAY_WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000, loadSecretKeys(config).box)
        const ep = await eps.update(key.id, key.accountId, {
          ...(o.url !== undefined ? { url: o.url === 'none' ? null : o.url } : {}),
          ...(o.rotateSecret ? { rotateSecret: true } : {}),
          ...(o.progress !== undefined ? { progressEvents: o.progress === 'on' } : {}),
        })
        const v = showEndpoint(ep)
        emit(Boolean(o.json), v, `Key ${v.key}: ${v.url ?? '(no default URL)'}\nSecret: ${v.secret}`)
      })
    })
  webhooks
    .command('show')
    .requiredOption('--key <id>', 'API key id (key_…)')
    .option('--json', 'machine-readable output')
    .action(async (o: { key: string; json?: boolean }) => {
      const config = loadConfig(io.env)
      await withAccounts(io, async (a, { store }) => {
        const key = (await a.listKeys()).find((k) => k.id === o.key)
        if (!key) throw new InvalidArgumentError(`No key ${o.key}`)
        const ep = await createWebhookEndpoints(store, systemClock, config.REELAY_WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000, loadSecretKeys(config).box).ensure(key.id, key.accountId)
        const v = showEndpoint(ep)
        emit(Boolean(o.json), v, `Key ${v.key}: ${v.url ?? '(no default URL)'}${v.disabled ? ` (disabled: ${v.disabled.reason})` : ''}\nSecret: ${v.secret}`)
      })
    })

  const secrets = program.command('secrets').description('The key that encrypts secrets stored in the database')
  secrets
    .command('new-key')
    .description('Print a fresh 256-bit key for REELAY_SECRET_KEY')
    .action(() => {
      io.out(`${newSecretKey()}\n`)
    })
  secrets
    .command('rotate')
    .description('Re-encrypt every stored secret under the current (first) key; older keys may then be removed')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const box = loadSecretKeys(loadConfig(io.env)).box
      await withAccounts(io, async (_a, { store }) => {
        // Fails with a clear error if a stored secret was sealed under a key that is not listed.
        await loadOrCreateSecret(store, 'file-urls', box)
        const { resealed } = await resealSecrets(store, box, 'rotate')
        emit(Boolean(o.json), { keyId: box.currentKeyId, resealed }, `Re-encrypted ${resealed} secret(s) under key ${box.currentKeyId}; every stored secret now uses it.`)
      })
    })

  const channels = program.command('channels').description('Upstream channels from REELAY_CHANNELS_FILE')
  channels
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig(io.env)
      const list = loadChannels(config.REELAY_CHANNELS_FILE, io.env)
      await withAccounts(io, async (_a, { store }) => {
        const rows = []
        for (const c of list) {
          const active = await countActiveOnChannel(store.db, c.id)
          rows.push({ id: c.id, provider: c.provider, region: c.region ?? '', priority: c.priority, weight: c.weight, models: Object.keys(c.models).join(','), active, maxConcurrent: c.maxConcurrent, ratePerSecond: c.ratePerSecond, key: c.apiKeyEnv ?? '' })
        }
        emit(Boolean(o.json), rows, list.length ? table(rows) : 'No channels configured: every model runs on the built-in studio provider.')
      })
    })
  channels
    .command('test <id>')
    .description("Check the channel's API key against its upstream")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const config = loadConfig(io.env)
      const c = loadChannels(config.REELAY_CHANNELS_FILE, io.env).find((x) => x.id === id)
      if (!c) throw new InvalidArgumentError(`No channel ${id}`)
      const r = await checkChannelAuth(c)
      emit(Boolean(o.json), { id, ...r }, `${id}: ${r.ok ? 'OK' : 'FAILED'} (${r.message})`)
      if (!r.ok) io.exitCode = 1
    })

  program
    .command('doctor')
    .description('Check that every account balance agrees with its ledger')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      await withAccounts(io, async (_a, { store }) => {
        // Exact 64-bit comparison; the figures are decimal strings (they may exceed 2^53).
        const problems = await findLedgerMismatches(store.db)
        emit(Boolean(o.json), { ok: problems.length === 0, problems }, problems.length ? `Mismatches:\n${JSON.stringify(problems, null, 2)}` : 'All balances agree with the ledger.')
        if (problems.length) io.exitCode = 1
      })
    })

  // login, video, image, jobs, usage, quote: a customer's commands, over the API.
  registerCustomerCommands(program, io)
  registerBillingCommands(program, io)
  registerAdminCommands(program, io)
  registerRemoteCommands(program, io)
  return program
}
