import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { DEFAULT_MAX_BALANCE } from './domain/credits.js'
import { REGION_PATTERN, REGION_RULE } from './domain/region.js'

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def)

/**
 * Every setting Reelay reads, with its default. `docs/config.md` is checked against this
 * table by a test, so a setting cannot exist without documentation.
 */
export const configSchema = z.object({
  /** TCP port of the HTTP API. (Default: 8080) */
  PORT: int(8080),
  /** Address the HTTP API binds to. (Default: 127.0.0.1) */
  HOST: z.string().default('127.0.0.1'),
  /**
   * Where the SQLite database, result files and generated secrets live. A relative path is taken
   * from the working directory. (Default: `data` in the project folder, whatever the working
   * directory, so the server and the CLI share it)
   */
  REELAY_DATA_DIR: z.string().default('./data'),
  /** Base URL customers reach this server at; used in result links. (Default: http://HOST:PORT) */
  REELAY_PUBLIC_URL: z.string().url().optional(),
  /** PostgreSQL connection string; when unset the embedded SQLite database is used. (Default: unset) */
  DATABASE_URL: z.string().optional(),
  /** Redis connection string; when set, rate limits are shared by every API process. (Default: unset) */
  REDIS_URL: z.string().optional(),
  /** S3 bucket for result files; when set, results go to S3-compatible storage. (Default: unset) */
  REELAY_S3_BUCKET: z.string().optional(),
  /** S3 endpoint for R2/MinIO; unset for AWS. (Default: unset) */
  REELAY_S3_ENDPOINT: z.string().url().optional(),
  /** S3 region. (Default: us-east-1) */
  REELAY_S3_REGION: z.string().default('us-east-1'),
  /** S3 access key id; required with S3, since result links are presigned with it. (Default: unset) */
  REELAY_S3_ACCESS_KEY_ID: z.string().optional(),
  /** S3 secret access key. (Default: unset) */
  REELAY_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style bucket addressing (MinIO and most local servers need it). (Default: 0) */
  REELAY_S3_FORCE_PATH_STYLE: bool.default(false),
  /** Connections per process to PostgreSQL. (Default: 10) */
  REELAY_DB_POOL_SIZE: int(10, 1),
  /** Delays between webhook attempts after the first; its length + 1 attempts in all. (Default: 1s,5s,30s,5m,30m,2h,6h,12h,24h) */
  REELAY_WEBHOOK_SCHEDULE: z
    .string()
    .default('1s,5s,30s,5m,30m,2h,6h,12h,24h')
    .transform((v, ctx) => {
      const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }
      const out: number[] = []
      for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^(\d+)(ms|s|m|h)$/.exec(part)
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not a duration like 30s, 5m or 2h` })
          return z.NEVER
        }
        out.push(Number(m[1]) * unit[m[2]!]!)
      }
      return out
    }),
  /** Webhook deliveries sent at once by one process. (Default: 16) */
  REELAY_WEBHOOK_CONCURRENCY: int(16, 1),
  /** Milliseconds one webhook attempt may take. (Default: 10000) */
  REELAY_WEBHOOK_TIMEOUT_MS: int(10_000, 100),
  /** Hours the previous webhook secret keeps signing after a rotation. (Default: 24) */
  REELAY_WEBHOOK_SECRET_OVERLAP_HOURS: int(24, 0),
  /** Log level: fatal, error, warn, info, debug, trace or silent. (Default: info) */
  REELAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Fraction (0–1) of answered requests logged at info; the rest at debug, and every 5xx at warn. (Default: 0) */
  REELAY_ACCESS_LOG_SAMPLE: z.coerce.number().min(0).max(1).default(0),
  /** SQLite durability: FULL fsyncs every commit, NORMAL survives app crashes only. (Default: FULL) */
  REELAY_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  /** JSON file overriding default prices and plans. (Default: DATA_DIR/prices.json when present) */
  REELAY_PRICES_FILE: z.string().optional(),
  /** The region this node serves (e.g. us-east); a job submitted here prefers channels of that region. (Default: unset) */
  REELAY_REGION: z.string().regex(REGION_PATTERN, REGION_RULE).optional(),
  /** JSON file of upstream channels; without one every model runs on the built-in studio. (Default: unset) */
  REELAY_CHANNELS_FILE: z.string().optional(),
  /** US dollars per credit, used where an API shows prices in USD. (Default: 0.0025) */
  REELAY_CREDIT_USD: z.coerce.number().positive().default(0.0025),
  /** ISO 4217 currency prices and packs are shown and sold in. (Default: USD) */
  REELAY_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code such as USD or EUR')
    .default('USD')
    .transform((v) => v.toUpperCase()),
  /** Credits one unit of REELAY_CURRENCY buys, for showing prices in money. (Default: 1 / REELAY_CREDIT_USD, i.e. 400) */
  REELAY_CREDITS_PER_UNIT: z.coerce.number().positive().optional(),
  /** Stripe secret key (sk_…); without it Checkout and subscriptions are off and redeem codes are the only top-up. (Default: unset) */
  REELAY_STRIPE_SECRET_KEY: z.string().optional(),
  /** Signing secret (whsec_…) of the Stripe webhook endpoint `/billing/stripe/webhook`. (Default: unset) */
  REELAY_STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Base URL of the Stripe API, for a local stand-in in tests. (Default: https://api.stripe.com) */
  REELAY_STRIPE_API_URL: z.string().url().default('https://api.stripe.com'),
  /** Where Stripe Checkout sends the customer back to; `{result}` becomes success or cancel. (Default: PUBLIC_URL/wallet?checkout={result}) */
  REELAY_CHECKOUT_RETURN_URL: z.string().optional(),
  /** Plan given to accounts created without one. (Default: default) */
  REELAY_DEFAULT_PLAN: z.string().default('default'),
  /** Hours an Idempotency-Key is remembered. (Default: 24) */
  REELAY_IDEMPOTENCY_TTL_HOURS: int(24, 1),
  /** Seconds a signed result URL stays valid. (Default: 86400) */
  REELAY_RESULT_URL_TTL_SECONDS: int(86_400, 60),
  /** Submits and studio renders one worker process runs at once. (Default: 4) */
  REELAY_WORKER_CONCURRENCY: int(4, 1),
  /** Upstream status requests one worker process has in flight at once. (Default: 128) */
  REELAY_POLL_CONCURRENCY: int(128, 1),
  /** Milliseconds a worker owns a claimed job before another may take it over. (Default: 120000) */
  REELAY_LEASE_MS: int(120_000, 1_000),
  /** Milliseconds a stopping process waits for open requests and running job steps. (Default: 30000) */
  REELAY_SHUTDOWN_GRACE_MS: int(30_000, 0),
  /** Milliseconds an idle worker waits before looking for due jobs again. (Default: 500) */
  REELAY_WORKER_IDLE_MS: int(500, 10),
  /** Simulated latency of the studio provider in milliseconds. (Default: 0) */
  REELAY_STUDIO_LATENCY_MS: int(0),
  /** Fraction (0–1) of studio jobs that fail on purpose, for testing clients. (Default: 0) */
  REELAY_STUDIO_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** Allow loopback and private URLs for webhooks and references. Unsafe in production. (Default: 0) */
  REELAY_ALLOW_PRIVATE_URLS: bool.default(false),
  /** Largest accepted request body in bytes. (Default: 1048576) */
  REELAY_BODY_LIMIT_BYTES: int(1_048_576, 1_024),
  /** Milliseconds the OpenAI-style image endpoint waits for a result before answering. (Default: 120000) */
  REELAY_SYNC_WAIT_MS: int(120_000, 0),
  /** Milliseconds between a synchronous request's reads of a job that runs in another process. (Default: 250) */
  REELAY_SYNC_POLL_MS: int(250, 10),
  /** Milliseconds a submit or job outcome waits for others to share its commit; 0 waits for the event loop's next turn only. (Default: 0) */
  REELAY_GROUP_COMMIT_MS: int(0, 0, 2),
  /** Most submits (or job outcomes) in one commit; 1 commits each alone. (Default: 64) */
  REELAY_GROUP_COMMIT_MAX: int(64, 1, 1_000),
  /** Largest file in a multipart upload, in bytes. (Default: 20971520) */
  REELAY_UPLOAD_MAX_PART_BYTES: int(20 * 1024 * 1024, 1_024),
  /** Largest multipart request (every file and field together), in bytes. (Default: 52428800) */
  REELAY_UPLOAD_MAX_TOTAL_BYTES: int(50 * 1024 * 1024, 1_024),
  /** Seconds an upload may wait for its job, and is kept after the job ends, before it is swept. (Default: 3600) */
  REELAY_UPLOAD_GRACE_SECONDS: int(3_600, 60),
  /** Key(s) sealing secrets stored in the database: 256-bit, current first, then older ones. (Default: the key file) */
  REELAY_SECRET_KEY: z.string().optional(),
  /** Key file used when REELAY_SECRET_KEY is unset; generated (mode 0600) when absent. (Default: DATA_DIR/secret.key) */
  REELAY_SECRET_KEY_FILE: z.string().optional(),
  /** Prometheus `/metrics`: off, on (needs REELAY_METRICS_TOKEN) or open (no token). (Default: off) */
  REELAY_METRICS: z.enum(['off', 'on', 'open']).default('off'),
  /** Bearer token a scraper must send to `/metrics` when REELAY_METRICS=on. (Default: unset) */
  REELAY_METRICS_TOKEN: z.string().min(16).optional(),
  /** Milliseconds a SQLite write waits for another process's write lock before answering 503 service_busy. (Default: 5000) */
  REELAY_SQLITE_BUSY_TIMEOUT_MS: int(5_000, 0),
  /** Largest balance an account may hold; grants past it are refused. At most 2^53−1, so every figure is exact. (Default: 1000000000000000) */
  REELAY_MAX_BALANCE: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(DEFAULT_MAX_BALANCE),
  /** Milliseconds a client has to send a whole request, headers and body; then 408 and the connection closes. (Default: 60000) */
  REELAY_REQUEST_TIMEOUT_MS: int(60_000, 100),
  /** Milliseconds a client has to send the request headers. (Default: 10000) */
  REELAY_HEADERS_TIMEOUT_MS: int(10_000, 100),
  /** Open connections one client address may hold; 0 for no cap (e.g. behind a proxy). (Default: 256) */
  REELAY_MAX_CONNECTIONS_PER_IP: int(256, 0),
  /** Mean event-loop delay in milliseconds above which requests are shed with 503; 0 turns it off. (Default: 1000) */
  REELAY_SHED_EVENT_LOOP_DELAY_MS: int(1_000, 0),
  /** Resident memory in bytes above which requests are shed with 503; 0 turns it off. (Default: 0) */
  REELAY_SHED_RSS_BYTES: int(0, 0),
  /** Retry-After seconds on a shed request. (Default: 10) */
  REELAY_SHED_RETRY_AFTER_SECONDS: int(10, 1),
  /** Milliseconds one reference URL may take to download at submit (connect, headers and body). (Default: 20000) */
  REELAY_REFERENCE_TIMEOUT_MS: int(20_000, 100),
  /** Largest reference file accepted, in bytes. (Default: 52428800) */
  REELAY_REFERENCE_MAX_BYTES: int(52_428_800, 1_024),
  /** Reference downloads one API process runs at once; more wait their turn. (Default: 16) */
  REELAY_REFERENCE_CONCURRENCY: int(16, 1),
  /** Reference downloads one account runs at once in one API process. (Default: 4) */
  REELAY_REFERENCE_ACCOUNT_CONCURRENCY: int(4, 1),
  /** Seconds a fetched reference URL is reused without downloading it again. (Default: 600) */
  REELAY_REFERENCE_CACHE_SECONDS: int(600, 0),
  /** Who may create a user: open (anyone), invite (an invite token) or closed; an operator can change it at run time. (Default: invite) */
  REELAY_SIGNUP_MODE: z.enum(['open', 'invite', 'closed']).default('invite'),
  /** Hours a dashboard sign-in lasts. (Default: 336) */
  REELAY_SESSION_TTL_HOURS: int(336, 1),
  /** Failed sign-ins for one email, within the lockout window, before it is locked. (Default: 5) */
  REELAY_LOGIN_MAX_FAILURES: int(5, 1),
  /** Minutes a locked email must wait (and the window failures are counted in). (Default: 15) */
  REELAY_LOGIN_LOCKOUT_MINUTES: int(15, 1),
  /** scrypt cost of password hashes as log2(N), with r=8, p=1; 16 uses 64 MiB per hash. (Default: 16) */
  REELAY_PASSWORD_SCRYPT_COST: z.coerce.number().int().min(10).max(20).default(16),
  /** `smtp://user:pass@host:port` (or `smtps://` for TLS from the start): reset links and invites are also mailed. (Default: unset, nothing is mailed) */
  REELAY_SMTP_URL: z
    .string()
    .url()
    .refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The From of mail the server sends. (Default: `Reelay <reelay@` the public URL's host `>`) */
  REELAY_MAIL_FROM: z.string().max(320).optional(),
})

export type Config = Readonly<
  z.infer<typeof configSchema> & {
    /** Absolute data directory. */
    dataDir: string
    publicUrl: string
    pricesFile: string | undefined
  }
>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The project folder (the parent of `src/` or `dist/`, where this file runs from). */
const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** An explicit setting resolves from the working directory; the default is the project's `data`. */
export function resolveDataDir(setting: string | undefined): string {
  return setting === undefined ? path.join(PROJECT_DIR, 'data') : path.resolve(setting)
}

/** Parses the environment once, reporting every bad setting together. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]))
  const parsed = configSchema.safeParse(known)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const c = parsed.data
  if (c.REELAY_S3_BUCKET && !(c.REELAY_S3_ACCESS_KEY_ID && c.REELAY_S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError('Invalid configuration:\n  REELAY_S3_ACCESS_KEY_ID and REELAY_S3_SECRET_ACCESS_KEY are required with REELAY_S3_BUCKET (result links are presigned with them)')
  }
  if (c.REELAY_METRICS === 'on' && !c.REELAY_METRICS_TOKEN) {
    throw new ConfigError('Invalid configuration:\n  REELAY_METRICS_TOKEN is required with REELAY_METRICS=on (or set REELAY_METRICS=open for an unauthenticated endpoint)')
  }
  const dataDir = resolveDataDir(known.REELAY_DATA_DIR)
  const defaultPrices = path.join(dataDir, 'prices.json')
  const pricesFile = c.REELAY_PRICES_FILE ?? (existsSync(defaultPrices) ? defaultPrices : undefined)
  const host = c.HOST === '0.0.0.0' || c.HOST === '::' ? '127.0.0.1' : c.HOST
  return Object.freeze({
    ...c,
    dataDir,
    publicUrl: (c.REELAY_PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/+$/, ''),
    pricesFile,
  })
}

export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`)
  }
}
