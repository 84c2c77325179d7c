import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'vitest/config'

const E2E = 'test/e2e/**/*.test.ts'
const BROWSER = 'test/browser/**/*.test.ts'

/**
 * Test files that never open a database: they import neither the harness nor anything that reads
 * `REELAY_TEST_DB`. The PostgreSQL project skips them, since they would only run twice the same way.
 * Found by reading the files, so a new suite that uses the harness is on PostgreSQL by default.
 */
function databaseFreeFiles(): string[] {
  const touchesDb = /support\/(harness|pg-schema|server-process|people)\.js|TEST_DB/
  const root = path.join(import.meta.dirname, 'test')
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.startsWith(`e2e${path.sep}`) && !f.startsWith(`browser${path.sep}`))
    .filter((f) => !touchesDb.test(readFileSync(path.join(root, f), 'utf8')))
    .map((f) => `test/${f.split(path.sep).join('/')}`)
}

const shared = {
  // Studio renders real media: generous limits keep a loaded CI machine from failing slow renders.
  testTimeout: 120_000,
  hookTimeout: 30_000,
}

export default defineConfig({
  test: {
    // Files spawn servers and ffmpeg; two cores is the budget.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      // `npm test`: every unit and integration suite on the embedded SQLite default.
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [E2E, BROWSER] } },
      // `npm run test:pg`: the same suites on PostgreSQL, a fresh schema per harness.
      { test: { ...shared, name: 'postgres', include: ['test/**/*.test.ts'], exclude: [E2E, BROWSER, ...databaseFreeFiles()], env: { REELAY_TEST_DB: 'postgres' } } },
      // `npm run test:e2e`: real processes, kill -9, multi-process; slow, so run by `.ci/run` only.
      { test: { ...shared, name: 'e2e-sqlite', include: [E2E] } },
      { test: { ...shared, name: 'e2e-postgres', include: [E2E], env: { REELAY_TEST_DB: 'postgres' } } },
      // `npm run test:browser`: the dashboard in headless Chromium against a real server process.
      { test: { ...shared, name: 'browser', include: [BROWSER] } },
    ],
  },
})
