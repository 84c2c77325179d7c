import { createHarness, type Harness } from './harness.js'
import { startMediaServer, type MediaServer } from './media-server.js'

/**
 * A harness for suites whose requests carry reference URLs. References are fetched at submit, so
 * the examples' URLs point at real media files on a loopback server, which the harness may reach.
 */
export async function startMediaHarness(): Promise<{ h: Harness; files: MediaServer; close(): Promise<void> }> {
  const files = await startMediaServer()
  const h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1' } })
  return {
    h,
    files,
    async close() {
      await h.close()
      await files.close()
    },
  }
}
