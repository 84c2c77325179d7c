import { createServer } from 'node:net'
import { once } from 'node:events'
import { createHarness, type HarnessOptions } from './harness.js'
import { Reelay, type ReelayOptions, type Sleep } from '../../packages/sdk/src/index.js'

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1')
  await once(s, 'listening')
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

/**
 * A harness listening on 127.0.0.1, with its public URL on the same port (so output URLs reach
 * it), and SDK clients whose waits advance the harness clock and run the worker instead of
 * sleeping.
 */
export async function createSdkHarness(opts: HarnessOptions = {}) {
  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const h = await createHarness({ ...opts, env: { REELAY_PUBLIC_URL: baseURL, ...opts.env } })
  await h.app.listen({ host: '127.0.0.1', port })
  const sleeps: number[] = []
  const sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted()
    sleeps.push(ms)
    h.clock.advance(ms)
    await h.rt.worker.drain()
  }
  const client = (apiKey: string, extra: ReelayOptions = {}) => new Reelay({ apiKey, baseURL, sleep, now: () => h.clock.now(), ...extra })
  return { ...h, baseURL, sleep, sleeps, client }
}

export type SdkHarness = Awaited<ReturnType<typeof createSdkHarness>>
