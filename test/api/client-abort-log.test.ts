import { EventEmitter } from 'node:events'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.js'
import { createHarness, type Harness } from '../support/harness.js'
import { RawClient } from '../support/raw-http.js'
import type { FastifyInstance } from 'fastify'

/** A real pino logger whose JSON lines the test reads back. */
function capturedLogger() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = []
  const events = new EventEmitter()
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(l))
        events.emit('line')
      }
      done()
    },
  })
  /** Resolves once a line matching `test` has been logged. */
  const waitFor = (test: (l: (typeof lines)[number]) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!lines.some(test)) return
        events.off('line', check)
        resolve()
      }
      events.on('line', check)
      check()
    })
  return { logger: pino({ level: 'debug' }, stream), lines, waitFor }
}

describe('a client that hangs up mid-body', () => {
  let h: Harness
  let app: FastifyInstance
  const log = capturedLogger()
  beforeAll(async () => {
    h = await createHarness()
    app = await buildApp(h.rt.appDeps, { loggerInstance: log.logger })
    await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await app.close()
    await h.close()
  })

  it('is a debug-level "client closed" line, not an internal error', async () => {
    const { key } = await h.customer()
    const c = await RawClient.open((app.server.address() as AddressInfo).port)
    c.write(
      `POST /v1/videos/generate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nIdempotency-Key: abort-1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"prompt":"half a bo`,
    )
    // Authentication ran (it is logged as an incoming request); then the client vanishes.
    await log.waitFor((l) => l.msg === 'incoming request')
    c.destroy()
    // Whichever way it is logged, the abort reaches the error handler.
    await log.waitFor((l) => /client closed|request failed/.test(l.msg))
    expect(log.lines.filter((l) => l.level >= 40)).toEqual([])
    const closed = log.lines.find((l) => /client closed/.test(l.msg))!
    expect(closed.level).toBe(20)
    expect(closed.reqId).toMatch(/^req_/)
    // Nothing was submitted.
    expect((await h.app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${key}` } })).json()).toMatchObject({ reserved: 0 })
  })
})
