import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai-server.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { freePort, kill9, startServer } from '../support/server-process.js'
import { prepareDeployment, waitForQuiet } from './support/deployment.js'

/**
 * Scale-out across regions: two `reelay serve` processes on one database, one per region, each
 * region with its own upstream (a fake OpenAI Images server). A job goes to the upstream of the
 * region it was submitted in, whichever process's worker claims it, and moves to the other
 * region when its own upstream is down.
 */
const children: ChildProcess[] = []
const fakes: FakeOpenAi[] = []
afterAll(async () => {
  for (const c of children) await kill9(c)
  for (const f of fakes) await f.close().catch(() => undefined)
})

describe('two API nodes in two regions', () => {
  it("sends each node's jobs to its region's upstream, and fails over to the other region when it is down", async () => {
    const dep = await prepareDeployment('reelay-regions-', 1_000_000)
    try {
      const us = await startFakeOpenAi()
      const ap = await startFakeOpenAi()
      fakes.push(us, ap)
      const channelsFile = path.join(dep.dataDir, 'channels.json')
      const channel = (id: string, fake: FakeOpenAi, region: string, priority: number) => ({
        id,
        provider: 'openai',
        baseUrl: fake.url,
        apiKeyEnv: `KEY_${id.toUpperCase().replace('-', '_')}`,
        models: { 'gpt-image-2': 'gpt-image-2' },
        region,
        priority,
        options: { timeoutMs: 5_000 },
      })
      // The far region has the better priority: only the region preference sends jobs home.
      writeFileSync(channelsFile, JSON.stringify({ channels: [channel('oai-ap', ap, 'ap-northeast', 1), channel('oai-us', us, 'us-east', 2)] }))
      const base = { ...dep.env, REELAY_CHANNELS_FILE: channelsFile, KEY_OAI_US: us.apiKey, KEY_OAI_AP: ap.apiKey, REELAY_WORKER_IDLE_MS: '100' }
      const nodes = { 'us-east': String(await freePort()), 'ap-northeast': String(await freePort()) }
      for (const [region, PORT] of Object.entries(nodes)) children.push(await startServer({ ...base, PORT, REELAY_REGION: region }))

      const submit = async (port: string, key: string): Promise<string> => {
        const res = await fetch(`http://127.0.0.1:${port}/v1/images/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${dep.key}`, 'idempotency-key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: `a lantern ${key}`, model: 'gpt-image-2' }),
        })
        expect(res.status, await res.clone().text()).toBe(202)
        return ((await res.json()) as { jobId: string }).jobId
      }
      const placed = async (ids: string[]) => {
        const rows = await dep.store.db.selectFrom('jobs').select(['id', 'status', 'channel', 'region']).where('id', 'in', ids).execute()
        return rows.map(({ id: _id, ...r }) => r)
      }

      const fromUs: string[] = []
      const fromAp: string[] = []
      for (let i = 0; i < 4; i++) {
        fromUs.push(await submit(nodes['us-east'], `us-${i}`))
        fromAp.push(await submit(nodes['ap-northeast'], `ap-${i}`))
      }
      await waitForQuiet(dep.store, 60_000)
      expect(await placed(fromUs)).toEqual(Array(4).fill({ status: 'succeeded', channel: 'oai-us', region: 'us-east' }))
      expect(await placed(fromAp)).toEqual(Array(4).fill({ status: 'succeeded', channel: 'oai-ap', region: 'ap-northeast' }))

      // us-east's upstream goes down: its jobs still succeed, in ap-northeast.
      await us.close()
      const duringOutage: string[] = []
      for (let i = 0; i < 4; i++) duringOutage.push(await submit(nodes['us-east'], `outage-${i}`))
      await waitForQuiet(dep.store, 60_000)
      expect(await placed(duringOutage)).toEqual(Array(4).fill({ status: 'succeeded', channel: 'oai-ap', region: 'us-east' }))
      // Each job reached exactly one upstream once: 4 in us-east, 8 in ap-northeast.
      expect(us.requests).toHaveLength(4)
      expect(ap.requests).toHaveLength(8)

      const regions = (await (await fetch(`http://127.0.0.1:${nodes['ap-northeast']}/v1/regions`, { headers: { authorization: `Bearer ${dep.key}` } })).json()) as {
        node: string
        data: { id: string }[]
      }
      expect(regions.node).toBe('ap-northeast')
      expect(regions.data.map((r) => r.id)).toEqual(['ap-northeast', 'us-east'])
      expect(await ledgerViolations(dep.store)).toEqual([])
    } finally {
      for (const c of children.splice(0)) await kill9(c)
      await dep.close()
    }
  }, 180_000)
})
