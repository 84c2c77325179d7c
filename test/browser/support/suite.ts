import { afterAll, beforeAll } from 'vitest'
import { launch, type Browser } from './browser.js'
import { startDashboardServer, type Server } from './server.js'

/** A test file's server and Chromium: started before its tests, stopped after them. */
export function dashboardSuite(env: Record<string, string> = {}): { server: Server; browser: Browser } {
  const suite = {} as { server: Server; browser: Browser }
  beforeAll(async () => {
    suite.server = await startDashboardServer(env)
    suite.browser = await launch()
  })
  afterAll(async () => {
    await suite.browser?.close()
    await suite.server?.stop()
  })
  return suite
}
