import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { API_PREFIXES, contentSecurityPolicy, isApiPath, mediaOriginsFor, registerDashboardRoute } from '../../src/api/dashboard-route.js'

const dir = mkdtempSync(path.join(tmpdir(), 'reelay-dash-'))
mkdirSync(path.join(dir, 'assets'))
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-abc123.js"></script>')
writeFileSync(path.join(dir, 'assets/app-abc123.js'), 'console.log(1)')
writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function app() {
  const a = Fastify()
  a.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.url}` } }))
  a.get('/v1/models', async () => ({ data: [] }))
  registerDashboardRoute(a, { dir })
  await a.ready()
  return a
}

describe('the dashboard route', () => {
  it('answers pages with index.html, uncached and under a CSP with no inline or foreign script', async () => {
    const a = await app()
    for (const url of ['/', '/keys', '/jobs/job_1', '/operator/system']) {
      const r = await a.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } })
      expect(r.statusCode, url).toBe(200)
      expect(r.headers['cache-control']).toBe('no-cache')
      expect(r.headers['content-type']).toMatch(/text\/html/)
      expect(r.headers['content-security-policy']).toMatch(/script-src 'self';/)
      expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    }
  })

  it('caches hashed assets for a year and other files for an hour', async () => {
    const a = await app()
    const js = await a.inject('/assets/app-abc123.js')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.headers['content-type']).toMatch(/javascript/)
    expect((await a.inject('/favicon.svg')).headers['cache-control']).toBe('public, max-age=3600')
    expect((await a.inject('/assets/missing.js')).statusCode).toBe(404)
  })

  it('leaves API paths, non-GET requests and non-HTML clients to the 404 handler', async () => {
    const a = await app()
    for (const prefix of API_PREFIXES) {
      const r = await a.inject({ url: `${prefix}/nope`, headers: { accept: 'text/html' } })
      expect(r.statusCode, prefix).toBe(404)
      expect(r.json(), prefix).toMatchObject({ error: { code: 'not_found' } })
    }
    expect((await a.inject({ url: '/keys', headers: { accept: 'application/json' } })).statusCode).toBe(404)
    expect((await a.inject({ method: 'POST', url: '/keys', headers: { accept: 'text/html' } })).statusCode).toBe(404)
    expect((await a.inject({ url: '/v1/models', headers: { accept: 'text/html' } })).json()).toEqual({ data: [] })
  })

  it('treats whole segments as API prefixes, not look-alike pages', () => {
    expect(isApiPath('/v1')).toBe(true)
    expect(isApiPath('/openapi.json')).toBe(true)
    expect(isApiPath('/llms.txt')).toBe(true)
    expect(isApiPath('/account/v1/session?x=1')).toBe(true)
    expect(isApiPath('/accounting')).toBe(false)
    expect(isApiPath('/v1beta')).toBe(false)
    expect(isApiPath('/operator')).toBe(false)
  })

  it('lets result media come from the S3 endpoint, and nothing else from another host', () => {
    expect(mediaOriginsFor({ REELAY_S3_BUCKET: undefined, REELAY_S3_ENDPOINT: undefined, REELAY_S3_REGION: 'us-east-1' })).toEqual([])
    const r2 = mediaOriginsFor({ REELAY_S3_BUCKET: 'b', REELAY_S3_ENDPOINT: 'https://acc.r2.example.com/x', REELAY_S3_REGION: 'auto' })
    expect(r2).toEqual(['https://acc.r2.example.com'])
    const csp = contentSecurityPolicy(r2)
    expect(csp).toMatch(/media-src 'self' data: blob: https:\/\/acc\.r2\.example\.com/)
    expect(csp).toMatch(/connect-src 'self';/)
  })

  it('does nothing when the dashboard was not built', async () => {
    const a = Fastify()
    registerDashboardRoute(a, { dir: path.join(dir, 'missing') })
    await a.ready()
    expect((await a.inject({ url: '/', headers: { accept: 'text/html' } })).statusCode).toBe(404)
  })
})
