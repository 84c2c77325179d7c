import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { loadConfig } from '../../src/config.js'
import { ManualClock } from '../../src/domain/clock.js'
import { createRuntime, type Runtime } from '../../src/runtime.js'
import { freshPgSchema, TEST_DB } from '../support/harness.js'
import type { FastifyInstance } from 'fastify'

let done: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const d of done.reverse()) await d()
  done = []
})

/** A runtime whose worker logs (pino JSON lines) are captured. */
async function start(env: Record<string, string> = {}): Promise<{ rt: Runtime; app: FastifyInstance; lines: Array<Record<string, unknown>> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelay-reqid-'))
  const pg = TEST_DB === 'postgres' ? await freshPgSchema() : null
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>)
      cb()
    },
  })
  const config = loadConfig({ REELAY_DATA_DIR: dir, REELAY_SQLITE_SYNCHRONOUS: 'NORMAL', REELAY_SHED_EVENT_LOOP_DELAY_MS: '0', ...(pg ? { DATABASE_URL: pg.url } : {}), ...env })
  const rt = await createRuntime(config, { clock: new ManualClock(Date.now()), logger: pino({ level: 'info' }, sink) })
  const app = await buildApp(rt.appDeps, { logger: false })
  done.push(async () => {
    await app.close()
    await rt.close()
    await pg?.drop()
    rmSync(dir, { recursive: true, force: true })
  })
  return { rt, app, lines }
}

async function customer(rt: Runtime) {
  await rt.accounts.create('trace', 'default', 10_000)
  return { authorization: `Bearer ${(await rt.accounts.createKey('trace', null)).key}` }
}

describe('the request id on the job', () => {
  it('is stored with the job and carried by the worker log lines for it', async () => {
    const { rt, app, lines } = await start()
    const auth = await customer(rt)
    const res = await app.inject({ method: 'POST', url: '/v1/images/generate', headers: { ...auth, 'idempotency-key': 'r1', 'x-request-id': 'trace-42' }, payload: { prompt: 'a lantern in fog' } })
    expect(res.statusCode).toBe(202)
    const jobId = res.json().jobId as string
    const row = await rt.store.db.selectFrom('jobs').select('requestId').where('id', '=', jobId).executeTakeFirstOrThrow()
    expect(row.requestId).toBe('trace-42')
    await rt.worker.drain()
    const forJob = lines.filter((l) => l.jobId === jobId)
    expect(forJob.map((l) => l.msg)).toContain('job succeeded')
    expect(forJob.every((l) => l.requestId === 'trace-42')).toBe(true)
  })

  it('a generated request id is stored too, and a failing job logs it', async () => {
    const { rt, app, lines } = await start({ REELAY_STUDIO_FAILURE_RATE: '1' })
    const auth = await customer(rt)
    const res = await app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...auth, 'idempotency-key': 'r2' }, payload: { prompt: 'waves on a pier', duration: 5 } })
    expect(res.statusCode).toBe(202)
    const requestId = res.headers['x-request-id'] as string
    expect(requestId).toMatch(/^req_/)
    await rt.worker.drain()
    const failed = lines.find((l) => l.jobId === res.json().jobId && l.msg === 'job failed')
    expect(failed).toMatchObject({ requestId, status: 'failed' })
  })
})
