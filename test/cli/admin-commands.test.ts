import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { systemClock } from '../../src/domain/clock.js'
import { createPeople } from '../../src/accounts/people.js'
import { cliWith, type CliResult } from '../support/cli.js'
import { sharedDatabase } from '../support/harness.js'
import type { Store } from '../../src/store/db.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-admin-cli-'))
let database: Awaited<ReturnType<typeof sharedDatabase>>
let env: Record<string, string>
let cli: (...args: string[]) => Promise<CliResult>
let store: Store

beforeAll(async () => {
  database = await sharedDatabase(dataDir)
  env = { ...database.env, REELAY_PASSWORD_SCRYPT_COST: '10', REELAY_SIGNUP_MODE: 'open', REELAY_PUBLIC_URL: 'https://reelay.example.com' }
  cli = cliWith(env)
  store = await database.open()
})
afterAll(async () => {
  await store.close()
  await database.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** The server's own sign-in, on the database the CLI wrote. */
const people = () => createPeople(store, systemClock, loadConfig(env))

describe('reelay admin', () => {
  it('creates the first operator with a generated password that signs in, and the setup token stops working', async () => {
    expect((await people().setupState()).needsSetup).toBe(true)

    const made = await cli('admin', 'create', '--email', 'Ops@Example.com', '--name', 'Ops')
    expect(made.code, made.stderr).toBe(0)
    const password = /Password \(shown this once\): (\S+)/.exec(made.stdout)?.[1]
    expect(password).toHaveLength(24)

    const signedIn = await people().login({ email: 'ops@example.com', password: password! })
    expect(signedIn.view.user).toMatchObject({ email: 'ops@example.com', name: 'Ops', role: 'admin' })
    expect(signedIn.view.accounts).toEqual([expect.objectContaining({ kind: 'personal', role: 'owner' })])
    expect(await people().setup.issueToken()).toBeNull()

    const again = await cli('admin', 'create', '--email', 'ops@example.com')
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already exists/)
  })

  it('takes the password from stdin, refuses a short one, and lists operators only', async () => {
    const withPassword = (line: string) => cliWith(env, { readSecret: async () => line })
    const short = await withPassword('short')('admin', 'create', '--email', 'second@example.com', '--password-stdin')
    expect(short.code).toBe(1)
    expect(short.stderr).toMatch(/password.*at least 10 characters/)

    const made = await withPassword('a long enough secret')('admin', 'create', '--email', 'second@example.com', '--password-stdin', '--json')
    expect(made.code, made.stderr).toBe(0)
    const user = JSON.parse(made.stdout)
    expect(user).toMatchObject({ email: 'second@example.com', role: 'admin', disabled: false })
    expect(user.password).toBeUndefined()
    expect((await people().login({ email: 'second@example.com', password: 'a long enough secret' })).view.user.role).toBe('admin')

    // A customer who signed up is not an operator.
    await people().signup({ email: 'customer@example.com', password: 'customer password' })
    const listed = JSON.parse((await cli('admin', 'list', '--json')).stdout) as Array<{ email: string }>
    expect(listed.map((u) => u.email)).toEqual(['second@example.com', 'ops@example.com'])
    expect((await cli('admin', 'list')).stdout).toMatch(/^id\s+email\s+name\s+disabled\s+created\n.*second@example\.com/)
  })

  it('prints a one-time reset link under the public URL that sets a new password', async () => {
    const r = await cli('admin', 'reset-link', '--email', 'customer@example.com', '--json')
    expect(r.code, r.stderr).toBe(0)
    const link = JSON.parse(r.stdout)
    expect(link.url).toMatch(/^https:\/\/reelay\.example\.com\/reset\?token=/)
    const token = new URL(link.url).searchParams.get('token')!
    await people().resetPassword(token, 'a brand new password')
    expect((await people().login({ email: 'customer@example.com', password: 'a brand new password' })).view.user.email).toBe('customer@example.com')
    await expect(people().resetPassword(token, 'another new password')).rejects.toThrow(/not a valid, unused reset link/)

    const unknown = await cli('admin', 'reset-link', '--email', 'nobody@example.com')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe('error: No user with the email nobody@example.com.\n')
  })
})
