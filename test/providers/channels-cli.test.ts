import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadChannels } from '../../src/providers/channels.js'
import { cliWith } from '../support/cli.js'
import { startFakeArk, type FakeArk } from '../support/fakes/ark-server.js'

const dir = mkdtempSync(path.join(tmpdir(), 'reelay-channels-'))
let ark: FakeArk

beforeAll(async () => {
  ark = await startFakeArk()
})
afterAll(async () => {
  await ark.close()
  rmSync(dir, { recursive: true, force: true })
})

function writeChannels(channels: unknown[]): string {
  const file = path.join(dir, `channels-${Math.random()}.json`)
  writeFileSync(file, JSON.stringify({ channels }))
  return file
}

const cli = (env: Record<string, string>, ...args: string[]) => cliWith({ REELAY_DATA_DIR: dir, ...env })(...args)

const arkChannel = (apiKeyEnv: string) => ({ id: 'ark-sg', provider: 'ark', baseUrl: ark.url, apiKeyEnv, models: { 'seedance-2.0': 'dreamina-seedance-2-0-260128' }, priority: 1, region: 'ap-southeast' })

describe('channels', () => {
  it('lists channels and tests their keys against the upstream', async () => {
    const file = writeChannels([arkChannel('ARK_KEY')])
    const list = JSON.parse((await cli({ REELAY_CHANNELS_FILE: file, ARK_KEY: ark.apiKey }, 'channels', 'list', '--json')).stdout)
    expect(list).toEqual([expect.objectContaining({ id: 'ark-sg', provider: 'ark', region: 'ap-southeast', models: 'seedance-2.0', active: 0 })])
    expect(JSON.stringify(list)).not.toContain(ark.apiKey)
    const ok = await cli({ REELAY_CHANNELS_FILE: file, ARK_KEY: ark.apiKey }, 'channels', 'test', 'ark-sg', '--json')
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ id: 'ark-sg', ok: true })
    const bad = await cli({ REELAY_CHANNELS_FILE: file, ARK_KEY: 'wrong-key' }, 'channels', 'test', 'ark-sg', '--json')
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, status: 401, message: 'the upstream rejected the API key' })
  })

  it('refuses a bad channel file at start, listing every problem', () => {
    const file = writeChannels([
      { ...arkChannel('MISSING_ENV'), models: { 'seedance-9': 'x' } },
      { id: 'ark-sg', provider: 'ark', apiKeyEnv: 'ARK_KEY', models: {} },
    ])
    expect(() => loadChannels(file, { ARK_KEY: 'k' })).toThrow(/unknown model seedance-9[\s\S]*MISSING_ENV is empty[\s\S]*duplicate id[\s\S]*baseUrl is required/)
    expect(() => loadChannels(writeChannels([{ id: 'X Y', provider: 'nope', models: {} }]), {})).toThrow(/channels\.0\.id[\s\S]*channels\.0\.provider/)
  })
})
