import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSdkHarness, type SdkHarness } from '../support/sdk.js'

const root = path.resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-skill-limits-'))
let h: SdkHarness

beforeAll(async () => {
  // A plan that runs one job at a time, so a second render meets the limit.
  const prices = path.join(dir, 'prices.json')
  writeFileSync(prices, JSON.stringify({ plans: { single: { name: 'Single', requestsPerMinute: 600, maxActiveJobs: 1, monthlyCreditQuota: null } } }))
  h = await createSdkHarness({ env: { REELAY_PRICES_FILE: prices } })
})
afterAll(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('skills/reelay under plan limits', () => {
  it('waits out concurrency_limited and renders once the running job is done', async () => {
    const c = await h.customer(1_000, 'single')
    const sdk = h.client(c.key)
    // Queued and never run until this test says: it holds the plan's one slot.
    const blocker = await sdk.images.create({ prompt: 'holding the only slot' })
    writeFileSync(path.join(dir, 'shot.json'), JSON.stringify({ kind: 'image', prompt: 'A lighthouse in fog. Camera: eye-level. Lighting: overcast. Style: film.', ratio: '1:1' }))

    const child = spawn(process.execPath, [path.join(root, 'skills/reelay/scripts/render.mjs'), '--spec', 'shot.json', '--out', 'lighthouse.png', '--retry-wait', '1', '--retries', '30'], {
      cwd: dir,
      // No SDK retries in the CLI: the 429 reaches the script at once.
      env: { ...process.env, REELAY_CLI: `${process.execPath} ${path.join(root, 'bin/reelay.mjs')}`, REELAY_BASE_URL: h.baseURL, REELAY_API_KEY: c.key, REELAY_MAX_RETRIES: '0', XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.stderr.on('data', (b: Buffer) => (out += b.toString()))
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve))
    let running = true
    void exit.then(() => (running = false))

    let freed = false
    while (running) {
      if (!freed && /Hit the plan’s limit on jobs running at once; trying again in 1 s/.test(out)) {
        await sdk.jobs.cancel(blocker.jobId)
        freed = true
      }
      // The server's worker runs only here, so the blocker stays queued until it is cancelled.
      if (freed) await h.rt.worker.drain()
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await exit, out).toBe(0)
    expect(freed, out).toBe(true)
    expect(out).toMatch(/\[concurrency_limited\]/)
    expect(JSON.parse(/^RESULT (.+)$/m.exec(out)![1]!)).toMatchObject({ kind: 'image', out: 'lighthouse.png' })
    expect(readFileSync(path.join(dir, 'lighthouse.png')).subarray(1, 4).toString()).toBe('PNG')
  })
})
