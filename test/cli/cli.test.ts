import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliWith, type CliResult } from '../support/cli.js'
import { sharedDatabase, TEST_DB } from '../support/harness.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-cli-'))
let database: Awaited<ReturnType<typeof sharedDatabase>>
let cli: (...args: string[]) => Promise<CliResult>

beforeAll(async () => {
  database = await sharedDatabase(dataDir)
  cli = cliWith(database.env)
})
afterAll(async () => {
  await database.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe(`reelay CLI on ${TEST_DB === 'postgres' ? 'PostgreSQL' : 'the embedded database'}`, () => {
  it('creates an account, keys (shown once, stored hashed), grants and shows credits', async () => {
    const acct = JSON.parse((await cli('accounts', 'create', 'acme', '--credits', '500', '--json')).stdout)
    expect(acct).toMatchObject({ name: 'acme', plan: 'default', balance: 500 })

    const key = JSON.parse((await cli('keys', 'create', '--account', 'acme', '--name', 'ci', '--json')).stdout)
    expect(key.key).toMatch(/^sk_live_[0-9A-Za-z]{39}$/)
    expect(key).toMatchObject({ accountName: 'acme', name: 'ci' })

    const listed = JSON.parse((await cli('keys', 'list', '--json')).stdout)
    expect(listed).toHaveLength(1)
    expect(JSON.stringify(listed)).not.toContain(key.key)
    expect(listed[0].prefix).toContain(key.key.slice(0, 12))

    const human = await cli('keys', 'create', '--account', 'acme')
    expect(human.stdout).toMatch(/^sk_live_\S+\n\n.*only time/)

    const granted = JSON.parse((await cli('credits', 'grant', 'acme', '250', '--json')).stdout)
    expect(granted).toMatchObject({ balance: 750, available: 750 })
    expect(JSON.parse((await cli('credits', 'show', 'acme', '--json')).stdout)).toEqual({ account: 'acme', plan: 'default', balance: 750, reserved: 0, available: 750 })
    expect(JSON.parse((await cli('doctor', '--json')).stdout)).toEqual({ ok: true, problems: [] })
  })

  it('refuses an 11th active key with a clear error, and allows one after a revoke', async () => {
    await cli('accounts', 'create', 'many')
    for (let i = 0; i < 10; i++) expect((await cli('keys', 'create', '--account', 'many', '--json')).code).toBe(0)
    const eleventh = await cli('keys', 'create', '--account', 'many')
    expect(eleventh.code).toBe(1)
    expect(eleventh.stderr).toMatch(/already has 10 active keys/)
    const [first] = JSON.parse((await cli('keys', 'list', '--account', 'many', '--json')).stdout)
    expect(JSON.parse((await cli('keys', 'revoke', first.id, '--json')).stdout)).toEqual({ id: first.id, revoked: true })
    expect((await cli('keys', 'create', '--account', 'many')).code).toBe(0)
  })

  it('sets a key default webhook URL, rotates its secret and refuses unsafe URLs', async () => {
    await cli('accounts', 'create', 'hooked')
    const key = JSON.parse((await cli('keys', 'create', '--account', 'hooked', '--json')).stdout)
    const set = JSON.parse((await cli('webhooks', 'set', '--key', key.id, '--url', 'https://hooks.example.com/reelay', '--json')).stdout)
    expect(set).toMatchObject({ key: key.id, url: 'https://hooks.example.com/reelay', secret: expect.stringMatching(/^whsec_/), progressEvents: false })
    const rotated = JSON.parse((await cli('webhooks', 'set', '--key', key.id, '--rotate-secret', '--progress', 'on', '--json')).stdout)
    expect(rotated.secret).not.toBe(set.secret)
    expect(rotated).toMatchObject({ url: set.url, progressEvents: true })
    expect(JSON.parse((await cli('webhooks', 'show', '--key', key.id, '--json')).stdout)).toEqual(rotated)
    const bad = await cli('webhooks', 'set', '--key', key.id, '--url', 'http://169.254.169.254/latest')
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/https|private|not allowed/)
  })

  it('explains bad input instead of crashing', async () => {
    const unknown = await cli('credits', 'grant', 'nobody', '5')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/No account named nobody/)
    const neg = await cli('credits', 'grant', 'acme', '-5')
    expect(neg.code).not.toBe(0)
    const dup = await cli('accounts', 'create', 'acme')
    expect(dup.stderr).toMatch(/already exists/)
  })
})
