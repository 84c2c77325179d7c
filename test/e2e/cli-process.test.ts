import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { sharedDatabase } from '../support/harness.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')
const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-cli-process-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

// test/cli runs the commands in-process; this checks the real entry point once: output, exit codes.
describe('the reelay executable', () => {
  it('prints JSON answers on stdout, and refusals as one line on stderr with exit code 1', async () => {
    const database = await sharedDatabase(dataDir)
    const env = { ...process.env, ...database.env, REELAY_LOG_LEVEL: 'silent' }
    const bin = path.join(root, 'bin/reelay.mjs')
    try {
      const created = await run(process.execPath, [bin, 'accounts', 'create', 'proc', '--credits', '5', '--json'], { env })
      expect(JSON.parse(created.stdout)).toMatchObject({ name: 'proc', balance: 5 })
      const refused = await run(process.execPath, [bin, 'credits', 'grant', 'nobody', '5'], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e)
      expect(refused).toMatchObject({ code: 1, stdout: '', stderr: 'error: No account named nobody\n' })
    } finally {
      await database.drop()
    }
  })
})
