import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configSchema } from '../../src/config.js'
import { errorTable, jobErrorTable } from '../../src/errors.js'

describe('docs stay complete', () => {
  it('docs/errors.md lists every error code with its HTTP status, and every job error code', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    for (const [code, { status }] of Object.entries(errorTable)) {
      expect(doc, `docs/errors.md is missing ${code}`).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`))
    }
    for (const code of Object.keys(jobErrorTable)) expect(doc, `docs/errors.md is missing job error ${code}`).toContain(`\`${code}\``)
  })

  it('docs/config.md documents every setting', () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8')
    for (const key of Object.keys(configSchema.shape)) expect(doc, `docs/config.md is missing ${key}`).toContain(`\`${key}\``)
  })
})
