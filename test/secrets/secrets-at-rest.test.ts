import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { ManualClock } from '../../src/domain/clock.js'
import { createRuntime, type Runtime } from '../../src/runtime.js'
import { newSecretKey } from '../../src/secrets/secret-box.js'
import { cliWith } from '../support/cli.js'
import { freshPgSchema, TEST_DB } from '../support/harness.js'

const K1 = newSecretKey()
const K2 = newSecretKey()

/** One deployment's data dir (and PostgreSQL schema), started and stopped like a server would be. */
async function deployment() {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelay-secrets-'))
  const pg = TEST_DB === 'postgres' ? await freshPgSchema() : null
  const clock = new ManualClock(Date.now())
  const open: Runtime[] = []
  const env = (extra: Record<string, string> = {}) => ({ REELAY_DATA_DIR: dir, REELAY_LOG_LEVEL: 'silent' as const, REELAY_SHED_EVENT_LOOP_DELAY_MS: '0', ...(pg ? { DATABASE_URL: pg.url } : {}), ...extra })
  return {
    dir,
    clock,
    env,
    async start(extra: Record<string, string> = {}): Promise<Runtime> {
      const rt = await createRuntime(loadConfig(env(extra)), { clock, logger: pino({ level: 'silent' }) })
      open.push(rt)
      return rt
    },
    async stop(rt: Runtime): Promise<void> {
      open.splice(open.indexOf(rt), 1)
      await rt.close()
    },
    async dispose(): Promise<void> {
      for (const rt of open.splice(0)) await rt.close()
      await pg?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Every stored secret value, as raw rows. */
async function storedSecrets(rt: Runtime): Promise<string[]> {
  const meta = await rt.store.db.selectFrom('meta').select('value').where('key', 'like', 'secret:%').execute()
  const eps = await rt.store.db.selectFrom('webhookEndpoints').select(['secret', 'previousSecret']).execute()
  return [...meta.map((m) => m.value), ...eps.flatMap((e) => [e.secret, ...(e.previousSecret ? [e.previousSecret] : [])])]
}

/** A key with a webhook secret that was rotated once, so a previous secret is stored too. */
async function keyWithRotatedSecret(rt: Runtime, name: string) {
  const acct = await rt.accounts.create(name, 'default', 1_000)
  const { info } = await rt.accounts.createKey(name, null)
  const first = await rt.endpoints.ensure(info.id, acct.id)
  await rt.endpoints.update(info.id, acct.id, { rotateSecret: true })
  return { keyId: info.id, accountId: acct.id, secrets: await rt.endpoints.secretsFor(info.id, acct.id), first: first.secret }
}

let d: Awaited<ReturnType<typeof deployment>>
afterEach(async () => d?.dispose())

describe('secrets at rest', () => {
  it('stores no webhook secret or file-link key in clear text, in the rows or the database file', async () => {
    d = await deployment()
    const rt = await d.start()
    const { secrets, first } = await keyWithRotatedSecret(rt, 'clear')
    expect(secrets).toHaveLength(2)
    expect(secrets[1]).toBe(first)
    const fileKey = rt.appDeps.fileUrlSecret
    const rows = await storedSecrets(rt)
    expect(rows).toHaveLength(3)
    for (const r of rows) {
      expect(r).toMatch(/^enc1:[0-9a-f]{12}:/)
      expect(r).not.toContain('whsec_')
      expect(r).not.toContain(fileKey)
    }
    if (TEST_DB === 'sqlite') {
      await d.stop(rt)
      const bytes = ['reelay.db', 'reelay.db-wal'].filter((f) => existsSync(path.join(d.dir, f))).map((f) => readFileSync(path.join(d.dir, f)).toString('latin1')).join('')
      expect(bytes).toContain('enc1:')
      expect(bytes).not.toContain('whsec_')
      expect(bytes).not.toContain(fileKey)
    }
  })

  it('generates the key file with mode 0600 on first start, and later starts reuse it', async () => {
    d = await deployment()
    const rt = await d.start()
    const file = path.join(d.dir, 'secret.key')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const key = readFileSync(file, 'utf8')
    const fileKey = rt.appDeps.fileUrlSecret
    await d.stop(rt)
    const again = await d.start()
    expect(readFileSync(file, 'utf8')).toBe(key)
    expect(again.appDeps.fileUrlSecret).toBe(fileKey)
  })

  it('a restart with the same key still signs webhooks with the same secret and serves links signed before it', async () => {
    d = await deployment()
    const a = await d.start({ REELAY_SECRET_KEY: K1 })
    const hook = await keyWithRotatedSecret(a, 'restart')
    const { key } = await a.accounts.createKey('restart', null)
    const appA = await buildApp(a.appDeps, { logger: false })
    const submitted = await appA.inject({ method: 'POST', url: '/v1/images/generate', headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'k1' }, payload: { prompt: 'a lighthouse at dusk' } })
    expect(submitted.statusCode).toBe(202)
    await a.worker.drain()
    const result = await appA.inject({ method: 'GET', url: `/v1/jobs/${submitted.json().jobId}/result`, headers: { authorization: `Bearer ${key}` } })
    const link = new URL(result.json().outputs[0].url)
    await appA.close()
    await d.stop(a)

    expect(existsSync(path.join(d.dir, 'secret.key'))).toBe(false)
    const b = await d.start({ REELAY_SECRET_KEY: K1 })
    expect(await b.endpoints.secretsFor(hook.keyId, hook.accountId)).toEqual(hook.secrets)
    const appB = await buildApp(b.appDeps, { logger: false })
    const file = await appB.inject({ method: 'GET', url: link.pathname + link.search })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toMatch(/^image\//)
    const forged = await appB.inject({ method: 'GET', url: link.pathname + link.search.replace(/signature=[^&]+/, 'signature=AAAA') })
    expect(forged.statusCode).not.toBe(200)
    await appB.close()
  })

  it('refuses to start with a wrong key, naming the key the database needs', async () => {
    d = await deployment()
    const a = await d.start({ REELAY_SECRET_KEY: K1 })
    await keyWithRotatedSecret(a, 'wrong')
    const needed = a.secretBox.currentKeyId
    await d.stop(a)
    const err = await d.start({ REELAY_SECRET_KEY: K2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toContain(`encrypted with key ${needed}`)
    expect((err as Error).message).toContain('REELAY_SECRET_KEY')
    // A malformed key is a configuration error too, not a start with garbage.
    await expect(d.start({ REELAY_SECRET_KEY: 'not-a-key' })).rejects.toThrow(/REELAY_SECRET_KEY: key 1 is not a 256-bit key/)
  })

  it('rotation: old rows stay readable with the old key listed second, then `reelay secrets rotate` moves them to the new key', async () => {
    d = await deployment()
    const a = await d.start({ REELAY_SECRET_KEY: K1 })
    const hook = await keyWithRotatedSecret(a, 'rotate')
    const fileKey = a.appDeps.fileUrlSecret
    await d.stop(a)

    const b = await d.start({ REELAY_SECRET_KEY: `${K2},${K1}` })
    expect(await b.endpoints.secretsFor(hook.keyId, hook.accountId)).toEqual(hook.secrets)
    expect(b.appDeps.fileUrlSecret).toBe(fileKey)
    const newKeyId = b.secretBox.currentKeyId
    expect((await storedSecrets(b)).every((v) => v.startsWith(`enc1:${newKeyId}:`))).toBe(false)
    await d.stop(b)

    const r = await cliWith(d.env({ REELAY_SECRET_KEY: `${K2},${K1}` }))('secrets', 'rotate', '--json')
    expect(JSON.parse(r.stdout)).toEqual({ keyId: newKeyId, resealed: 3 })

    // The old key can now be dropped.
    const c = await d.start({ REELAY_SECRET_KEY: K2 })
    expect((await storedSecrets(c)).every((v) => v.startsWith(`enc1:${newKeyId}:`))).toBe(true)
    expect(await c.endpoints.secretsFor(hook.keyId, hook.accountId)).toEqual(hook.secrets)
    expect(c.appDeps.fileUrlSecret).toBe(fileKey)
    await d.stop(c)
    await expect(d.start({ REELAY_SECRET_KEY: K1 })).rejects.toThrow(/not among the keys/)
    // The CLI says so in one line and exits 1, as `reelay serve` does.
    const wrong = await cliWith(d.env({ REELAY_SECRET_KEY: K1 }))('secrets', 'rotate')
    expect(wrong).toMatchObject({ code: 1 })
    expect(wrong.stderr).toMatch(/^error: A secret in the database was encrypted with key [0-9a-f]{12}, which is not among the keys in REELAY_SECRET_KEY/)
  }, 60_000)

  it('encrypts the clear-text secrets an older version stored, keeping their values', async () => {
    d = await deployment()
    const a = await d.start({ REELAY_SECRET_KEY: K1 })
    const acct = await a.accounts.create('legacy', 'default', 1_000)
    const { info } = await a.accounts.createKey('legacy', null)
    await a.endpoints.ensure(info.id, acct.id)
    // What a database written before encryption looks like.
    const legacySecret = 'whsec_bGVnYWN5LXNlY3JldC1sZWdhY3ktc2VjcmV0'
    const legacyFileKey = 'bGVnYWN5LWZpbGUta2V5LWxlZ2FjeS1maWxlLWtleQ'
    await a.store.db.updateTable('webhookEndpoints').set({ secret: legacySecret, previousSecret: null }).where('apiKeyId', '=', info.id).execute()
    await a.store.db.updateTable('meta').set({ value: legacyFileKey }).where('key', '=', 'secret:file-urls').execute()
    await d.stop(a)

    const b = await d.start({ REELAY_SECRET_KEY: K1 })
    expect(b.appDeps.fileUrlSecret).toBe(legacyFileKey)
    expect(await b.endpoints.secretsFor(info.id, acct.id)).toEqual([legacySecret])
    const rows = await storedSecrets(b)
    expect(rows.every((v) => v.startsWith('enc1:'))).toBe(true)
    expect(rows.join()).not.toContain('whsec_')
    expect(rows.join()).not.toContain(legacyFileKey)
    if (TEST_DB === 'sqlite') {
      // The old values are overwritten in the file, not just unlinked from the rows.
      await d.stop(b)
      const bytes = ['reelay.db', 'reelay.db-wal'].filter((f) => existsSync(path.join(d.dir, f))).map((f) => readFileSync(path.join(d.dir, f)).toString('latin1')).join('')
      expect(bytes).not.toContain(legacySecret)
      expect(bytes).not.toContain(legacyFileKey)
    }
  })
})
