import { Writable } from 'node:stream'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { createHarness, type Harness } from '../support/harness.js'
import type { FastifyInstance } from 'fastify'

function captured(level: string) {
  const lines: { level: number; msg: string; reqId?: string; res?: { statusCode: number } }[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      done()
    },
  })
  return { logger: pino({ level }, stream), lines }
}

describe('the access log', () => {
  let h: Harness
  beforeAll(async () => {
    h = await createHarness()
  })
  afterAll(() => h.close())

  async function appWith(level: string, overrides: Partial<Harness['config']> = {}) {
    const log = captured(level)
    const config = { ...h.rt.appDeps.config, ...overrides }
    const app: FastifyInstance = await buildApp({ ...h.rt.appDeps, config }, { loggerInstance: log.logger })
    app.get('/v1/boom', async () => {
      throw new Error('a bug')
    })
    await app.ready()
    return { app, log }
  }

  it('writes nothing at info for answered requests by default, yet always writes a 5xx, with its request id', async () => {
    const { app, log } = await appWith('info')
    const { key } = await h.customer()
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/v1/jobs/job_nope', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(404)
    expect(log.lines).toEqual([])
    const boom = await app.inject({ method: 'GET', url: '/v1/boom' })
    expect(boom.statusCode).toBe(500)
    const completed = log.lines.find((l) => l.msg === 'request completed')
    expect(completed).toMatchObject({ level: 40, reqId: boom.headers['x-request-id'], res: { statusCode: 500 } })
    expect(log.lines.some((l) => l.msg === 'request failed' && l.level === 50)).toBe(true)
    await app.close()
  })

  it('logs a sample at info when asked, and every request at debug', async () => {
    const sampled = await appWith('info', { REELAY_ACCESS_LOG_SAMPLE: 1 })
    await sampled.app.inject({ method: 'GET', url: '/healthz' })
    expect(sampled.log.lines.map((l) => [l.level, l.msg])).toEqual([[30, 'request completed']])
    await sampled.app.close()
    const debug = await appWith('debug')
    await debug.app.inject({ method: 'GET', url: '/healthz' })
    expect(debug.log.lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'incoming request'],
      [20, 'request completed'],
    ])
    await debug.app.close()
  })
})
