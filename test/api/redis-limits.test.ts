import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { freePort } from '../support/server-process.js'

let h: Harness | undefined
let redis: ChildProcess | undefined
afterEach(async () => {
  await h?.close()
  redis?.kill('SIGKILL')
})

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) return child
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('redis did not start')
}

const usage = (auth: Record<string, string>) => h!.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })

describe('rate limits shared through Redis', () => {
  it('limits per account across API processes sharing one Redis', async () => {
    const port = await freePort()
    redis = await startRedis(port)
    h = await createHarness({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } })
    const c = await h.customer()
    // A second API process on the same database and Redis.
    const { buildApp } = await import('../../src/api/app.js')
    const { createRuntime } = await import('../../src/runtime.js')
    const pino = (await import('pino')).default
    const rt2 = await createRuntime(h.config, { clock: h.clock, logger: pino({ level: 'silent' }) })
    const app2 = await buildApp(rt2.appDeps, { logger: false })
    try {
      const codes: number[] = []
      for (let i = 0; i < 60; i++) codes.push((await (i % 2 ? app2 : h.app).inject({ method: 'GET', url: '/v1/usage', headers: c.auth })).statusCode)
      expect(codes.every((s) => s === 200)).toBe(true)
      const over = await app2.inject({ method: 'GET', url: '/v1/usage', headers: c.auth })
      expect(over.statusCode).toBe(429)
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    } finally {
      await app2.close()
      await rt2.close()
    }
  })

  it('answers 503 with Retry-After while Redis is down, and recovers by itself', async () => {
    const port = await freePort()
    redis = await startRedis(port)
    h = await createHarness({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } })
    const c = await h.customer()
    expect((await usage(c.auth)).statusCode).toBe(200)
    redis.kill('SIGKILL')
    await once(redis, 'exit')
    const down = await usage(c.auth)
    expect(down.statusCode).toBe(503)
    expect(down.json().error.code).toBe('service_unavailable')
    expect(down.headers['retry-after']).toBeDefined()
    redis = await startRedis(port)
    let status = 0
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await usage(c.auth)).statusCode
      if (status !== 200) await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe(200)
  })
})
