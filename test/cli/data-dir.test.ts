import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const home = process.cwd()
afterEach(() => process.chdir(home))

describe('the data directory the server and the CLI share', () => {
  it('defaults to the project folder’s data, whatever the working directory', () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'reelay-cwd-'))
    try {
      process.chdir(elsewhere)
      expect(loadConfig({}).dataDir).toBe(path.join(ROOT, 'data'))
      process.chdir(ROOT)
      expect(loadConfig({}).dataDir).toBe(path.join(ROOT, 'data'))
    } finally {
      process.chdir(home)
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('takes an explicit REELAY_DATA_DIR as given, relative to the working directory', () => {
    expect(loadConfig({ REELAY_DATA_DIR: '/srv/reelay' }).dataDir).toBe('/srv/reelay')
    expect(loadConfig({ REELAY_DATA_DIR: 'here' }).dataDir).toBe(path.resolve('here'))
  })
})
