import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/db.js'
import { cliWith } from '../support/cli.js'
import { freshPgSchema, TEST_DB } from '../support/harness.js'

const root = path.resolve(import.meta.dirname, '../..')
const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-cli-numbers-'))
let pgSchema: Awaited<ReturnType<typeof freshPgSchema>> | null = null
let store: Store

/** The CLI run in this process (see support/cli.ts), with the one error line without its newline. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await cliWith({})(...args)
  return { ...r, stderr: r.stderr.replace(/\n$/, '') }
}

beforeAll(async () => {
  pgSchema = TEST_DB === 'postgres' ? await freshPgSchema() : null
  Object.assign(process.env, { REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'silent', ...(pgSchema ? { DATABASE_URL: pgSchema.url } : {}) })
  expect((await cli('accounts', 'create', 'acme', '--credits', '100')).code).toBe(0)
  store = openStore({ dataDir, databaseUrl: pgSchema?.url })
})
afterAll(async () => {
  await store?.close()
  await pgSchema?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

const balance = async () => JSON.parse((await cli('credits', 'show', 'acme', '--json')).stdout).balance as number

describe('credit amounts typed at the CLI', () => {
  it.each([['-5'], ['1.5'], ['0x10'], ['1e3'], [''], ['+7'], [' 7'], ['007'], ['0'], ['9007199254740993'], ['1000000000000001']])(
    'refuses `credits grant acme %j` with one line and exit 1, granting nothing',
    async (n) => {
      const before = await balance()
      const r = await cli('credits', 'grant', 'acme', n)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^error: <n> must be a whole number from 1 to 1000000000000000, written in plain digits; got .+$/)
      expect(r.stderr).not.toContain('\n')
      expect(await balance()).toBe(before)
    },
  )

  it.each([['1.5'], ['-1'], ['1e3']])('refuses `accounts create --credits %s` and creates nothing', async (n) => {
    const r = await cli('accounts', 'create', `bad-${n}`, '--credits', n)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error: --credits must be a whole number from 0 to/)
    const names = JSON.parse((await cli('accounts', 'list', '--json')).stdout).map((a: { name: string }) => a.name)
    expect(names).not.toContain(`bad-${n}`)
  })

  it('takes plain digits', async () => {
    const before = await balance()
    const r = await cli('credits', 'grant', 'acme', '25', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ granted: 25, balance: before + 25 })
  })

  it('prints the one line and no stack trace from the real command too', async () => {
    const run = promisify(execFile)
    const err = await run(process.execPath, [path.join(root, 'bin/reelay.mjs'), 'credits', 'grant', 'acme', '1.5'], { env: { ...process.env } }).catch((e: { code: number; stderr: string }) => e)
    expect((err as { code: number }).code).toBe(1)
    expect((err as { stderr: string }).stderr).toBe('error: <n> must be a whole number from 1 to 1000000000000000, written in plain digits; got "1.5"\n')
  })
})

describe('the maximum balance and doctor at 64 bits', () => {
  it('refuses a grant past the maximum balance with a clear error, changing nothing', async () => {
    expect((await cli('accounts', 'create', 'rich')).code).toBe(0)
    expect((await cli('credits', 'grant', 'rich', '600000000000000')).code).toBe(0)
    const second = await cli('credits', 'grant', 'rich', '600000000000000')
    expect(second.code).toBe(1)
    expect(second.stderr).toBe('error: Granting 600000000000000 credits would take the balance of rich from 600000000000000 past the maximum balance of 1000000000000000 (REELAY_MAX_BALANCE); nothing was granted')
    expect(JSON.parse((await cli('credits', 'show', 'rich', '--json')).stdout)).toMatchObject({ balance: 600_000_000_000_000 })
    // Up to the maximum exactly is allowed.
    expect(JSON.parse((await cli('credits', 'grant', 'rich', '400000000000000', '--json')).stdout)).toMatchObject({ balance: 1_000_000_000_000_000 })
    expect((await cli('credits', 'grant', 'rich', '1')).code).toBe(1)
    expect(JSON.parse((await cli('doctor', '--json')).stdout)).toEqual({ ok: true, problems: [] })
  })

  it('doctor sees a counter one credit off above 2^53, exactly', async () => {
    expect((await cli('accounts', 'create', 'huge')).code).toBe(0)
    const { id } = await store.db.selectFrom('accounts').select('id').where('name', '=', 'huge').executeTakeFirstOrThrow()
    // Written as SQL literals: as JS numbers both would round to 2^53 and look equal.
    await sql`insert into ledger_entries (id, account_id, job_id, kind, amount, note, created_at) values ('led_tamper', ${id}, null, 'grant', ${sql.raw('9007199254740992')}, 'tampered', 0)`.execute(store.db)
    await sql`update accounts set balance = ${sql.raw('9007199254740993')} where id = ${id}`.execute(store.db)
    const r = await cli('doctor', '--json')
    // doctor prints its answer and exits 1 when a counter disagrees.
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      problems: [{ account: 'huge', cached: { balance: '9007199254740993', reserved: '0' }, ledger: { balance: '9007199254740992', reserved: '0' } }],
    })
    // Made to agree, exactly, at the same magnitude: no problem left.
    await sql`update accounts set balance = ${sql.raw('9007199254740992')} where id = ${id}`.execute(store.db)
    const agreed = await cli('doctor', '--json')
    expect(JSON.parse(agreed.stdout)).toEqual({ ok: true, problems: [] })
    expect(agreed.code).toBe(0)
    // A grant to an account past the maximum (only possible by tampering) is refused, not wrapped.
    expect((await cli('credits', 'grant', 'huge', '1')).code).toBe(1)
  })
})
