import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../../../src/config.js'
import { ManualClock } from '../../../src/domain/clock.js'
import { buildApp, closeApp } from '../../../src/api/app.js'
import { createRuntime, type Runtime } from '../../../src/runtime.js'
import { freshPgSchema, TEST_DB } from '../../support/harness.js'
import type { FakeArk } from '../../support/fakes/ark-server.js'
import { writeArkChannels } from '../../support/ark-channels.js'

/**
 * A Reelay that can be restarted on the same data (SQLite file or PostgreSQL schema), with fake
 * Ark upstreams as its channels and limits high enough that only the ledger refuses work.
 */
export interface SystemOptions {
  channels: { id: string; fake: FakeArk; priority?: number; timeoutMs?: number }[]
  env?: Record<string, string>
}

export async function openSystem(opts: SystemOptions) {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelay-attack-'))
  const pg = TEST_DB === 'postgres' ? await freshPgSchema() : null
  const channelsFile = path.join(dir, 'channels.json')
  const pricesFile = path.join(dir, 'prices.json')
  const keys = writeArkChannels(
    channelsFile,
    opts.channels.map((c) => ({ id: c.id, fake: c.fake, priority: c.priority ?? 1, maxConcurrent: 1_000, ratePerSecond: 100_000, timeoutMs: c.timeoutMs ?? 500 })),
  )
  writeFileSync(pricesFile, JSON.stringify({ plans: { attack: { name: 'Attack', requestsPerMinute: 10_000_000, maxActiveJobs: 10_000_000, monthlyCreditQuota: null } } }))
  const env = {
    REELAY_DATA_DIR: dir,
    REELAY_LOG_LEVEL: 'silent',
    REELAY_SQLITE_SYNCHRONOUS: 'NORMAL',
    REELAY_CHANNELS_FILE: channelsFile,
    REELAY_PRICES_FILE: pricesFile,
    REELAY_ALLOW_PRIVATE_URLS: '1',
    // As in the harness: test processes share starved CPUs, and a busy loop there is not overload
    // to shed (a shed 503 made the ledger model read a usage answer without a balance).
    REELAY_SHED_EVENT_LOOP_DELAY_MS: '0',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...keys,
    ...opts.env,
  }
  const config = loadConfig(env)
  const clock = new ManualClock(Date.now())
  let generation = 0

  async function start(): Promise<{ rt: Runtime; app: FastifyInstance }> {
    const rt = await createRuntime(config, { clock, env, logger: pino({ level: 'silent' }), workerId: `attack-${++generation}` })
    const app = await buildApp(rt.appDeps, { logger: false })
    await app.ready()
    return { rt, app }
  }

  async function stop(s: { rt: Runtime; app: FastifyInstance }): Promise<void> {
    await closeApp(s.app, 2_000)
    await s.rt.worker.stop(10_000)
    await s.rt.dispatcher.stop()
    await s.rt.close()
  }

  let current = await start()
  return {
    clock,
    config,
    get rt() {
      return current.rt
    },
    get app() {
      return current.app
    },
    /** A new process on the same data: whatever the old one held in memory is gone. */
    async restart(): Promise<void> {
      await stop(current)
      current = await start()
    },
    /** An account on the high-limit plan, with one API key. */
    async customer(name: string, credits: number) {
      await current.rt.accounts.create(name, 'attack', credits)
      const { key } = await current.rt.accounts.createKey(name, null)
      return { name, key, auth: { authorization: `Bearer ${key}` } }
    },
    async close(): Promise<void> {
      await stop(current)
      await pg?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type System = Awaited<ReturnType<typeof openSystem>>
