import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { cliWith } from '../support/cli.js'
import { createBilling } from '../../src/billing/index.js'

let h: Harness
let cli: ReturnType<typeof cliWith>
beforeAll(async () => {
  h = await createHarness()
  cli = cliWith({ REELAY_DATA_DIR: h.dir, DATABASE_URL: h.config.DATABASE_URL })
})
afterAll(async () => {
  await h.close()
})

const redeem = (auth: Record<string, string>, code: string) => h.app.inject({ method: 'POST', url: '/v1/credits/redeem', headers: auth, payload: { code } })

async function batch(...args: string[]): Promise<{ id: string; codes: string[] }> {
  const r = await cli('codes', 'create', ...args, '--json')
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as { id: string; codes: string[] }
}

describe('redeem codes', () => {
  it('an operator creates a batch at the CLI (codes shown once, CSV written); each code credits once, with its source in the ledger', async () => {
    const csv = path.join(mkdtempSync(path.join(tmpdir(), 'codes-')), 'codes.csv')
    const r = await cli('codes', 'create', '--credits', '250', '--count', '3', '--csv', csv)
    expect(r.code).toBe(0)
    const codes = r.stdout.match(/RLY(-[0-9A-Z]{4}){4}/g)!
    expect(codes).toHaveLength(3)
    const file = readFileSync(csv, 'utf8').trim().split('\n')
    expect(file[0]).toBe('code,credits,expires_at,batch_id')
    expect(file.slice(1).map((l) => l.split(',')[0])).toEqual(codes)
    expect(statSync(csv).mode & 0o777).toBe(0o600)
    // Only hashes are kept: no column holds a code.
    const stored = JSON.stringify(await h.rt.store.db.selectFrom('redeemCodes').selectAll().execute())
    for (const c of codes) expect(stored).not.toContain(c.slice(4))

    const c = await h.customer(10)
    const ok = await redeem(c.auth, codes[0]!)
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ credited: 250, balance: 260 })
    const again = await redeem(c.auth, codes[0]!)
    expect(again.statusCode).toBe(409)
    expect(again.json().error).toMatchObject({ code: 'code_not_redeemable', field: 'code', message: 'This code was already redeemed.' })
    // Typed loosely: lower case, spaces instead of dashes, O for 0.
    const loose = codes[1]!.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o')
    expect((await redeem(c.auth, loose)).json()).toEqual({ credited: 250, balance: 510 })
    const batchId = /batch (rcb_\w+)/.exec(r.stdout)![1]
    const entries = await h.rt.store.db.selectFrom('ledgerEntries').select(['kind', 'amount', 'note']).where('accountId', '=', c.account.id).where('note', 'like', 'redeem:%').execute()
    expect(entries).toEqual([
      { kind: 'grant', amount: 250, note: `redeem:${batchId}` },
      { kind: 'grant', amount: 250, note: `redeem:${batchId}` },
    ])
    const status = await cli('codes', 'status', batchId!)
    expect(status.stdout.split('\n').filter((l) => l.includes(',redeemed,'))).toHaveLength(2)
  })

  it('refuses unknown and malformed codes with 400 naming `code`, crediting nothing', async () => {
    const c = await h.customer(0)
    const unknown = await redeem(c.auth, 'RLY-AAAA-BBBB-CCCC-DDDD')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error).toMatchObject({ code: 'invalid_request', field: 'code' })
    expect((await redeem(c.auth, 'hello')).statusCode).toBe(400)
    expect((await h.app.inject({ method: 'POST', url: '/v1/credits/redeem', payload: { code: 'x' } })).statusCode).toBe(401)
    expect((await h.rt.store.db.selectFrom('accounts').select('balance').where('id', '=', c.account.id).executeTakeFirstOrThrow()).balance).toBe(0)
  })

  it('an expired code credits nothing (409)', async () => {
    const { codes } = await batch('--credits', '5', '--count', '1', '--expires', '1d')
    const c = await h.customer(0)
    h.clock.advance(2 * 86_400_000)
    const r = await redeem(c.auth, codes[0]!)
    expect(r.statusCode).toBe(409)
    expect(r.json().error.message).toMatch(/expired at/)
  })

  it('a one-per-account batch gives each account one code', async () => {
    const { codes } = await batch('--credits', '7', '--count', '3', '--one-per-account')
    const a = await h.customer(0)
    const b = await h.customer(0)
    expect((await redeem(a.auth, codes[0]!)).statusCode).toBe(200)
    const second = await redeem(a.auth, codes[1]!)
    expect(second.statusCode).toBe(409)
    expect(second.json().error.message).toBe('This account already redeemed a code from this batch.')
    // The refused code is still unused: another account can have it.
    expect((await redeem(b.auth, codes[1]!)).json()).toEqual({ credited: 7, balance: 7 })
  })

  it('credits a code exactly once when many accounts redeem it at the same moment', async () => {
    const { codes } = await batch('--credits', '40', '--count', '1')
    const customers = await Promise.all(Array.from({ length: 12 }, () => h.customer(0)))
    const answers = await Promise.all(customers.map((c) => redeem(c.auth, codes[0]!)))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, ...Array<number>(11).fill(409)])
    const granted = await h.rt.store.db.selectFrom('ledgerEntries').select('accountId').where('note', 'like', 'redeem:%').where('amount', '=', 40).execute()
    expect(granted).toHaveLength(1)
  })

  it('the same one-per-account batch redeemed twice at once by one account credits once', async () => {
    const { codes } = await batch('--credits', '9', '--count', '6', '--one-per-account')
    const c = await h.customer(0)
    const billing = await createBilling(h.rt.appDeps)
    const results = await Promise.allSettled(codes.map((code) => billing.redeem.redeem(c.account.id, code)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect((await h.rt.store.db.selectFrom('accounts').select('balance').where('id', '=', c.account.id).executeTakeFirstOrThrow()).balance).toBe(9)
  })
})
