import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { loadPages } from '../../src/docs-site/pages.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.close())

const get = (url: string, host = 'docs.example.test:9000') => h.app.inject({ method: 'GET', url, headers: { host } })

describe('the docs site', () => {
  it('/docs lists the guides: quickstart, one page per API, webhooks, errors, deploy', async () => {
    const res = await get('/docs')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    for (const slug of ['quickstart', 'cli', 'sdk', 'api/native', 'api/tasks', 'api/jobs', 'api/open', 'api/openai', 'webhooks', 'errors', 'deploy', 'reference']) {
      expect(res.body).toContain(`href="/docs/${slug}"`)
    }
    // Every API page in docs/api/ is served, listed or not.
    for (const f of readdirSync(new URL('../../docs/api/', import.meta.url))) expect(res.body).toContain(`href="/docs/api/${f.replace(/\.md$/, '')}"`)
  })

  it('renders a guide as HTML with a Copy for AI button, its Markdown link, and links kept on the site', async () => {
    const res = await get('/docs/quickstart')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('<h1>Quickstart</h1>')
    expect(res.body).toContain('<button type="button" data-copy-md="/docs/quickstart.md">Copy for AI</button>')
    expect(res.body).toContain('href="/docs/webhooks"')
    expect(res.body).toContain('href="/docs/api/native"')
    // The example a reader copies names the server they are reading.
    expect(res.body).toContain('http://docs.example.test:9000/v1/videos/generate')
    const native = await get('/docs/api/native')
    expect(native.body).toContain('href="/docs/prompts"')
  })

  it('serves each page as raw Markdown carrying the reader’s base URL in its examples', async () => {
    const res = await get('/docs/quickstart.md', 'reelay.acme.test')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/markdown/)
    expect(res.body).toMatch(/^# Quickstart/)
    expect(res.body).toContain('curl -s -X POST http://reelay.acme.test/v1/videos/generate')
    expect(res.body).not.toContain('127.0.0.1:8080')
    expect((await get('/docs/api/openai.md')).body).toMatch(/^# OpenAI-compatible API/)
    // A Host header that is not a host name does not end up in the page.
    expect((await get('/docs/quickstart.md', 'evil"><script>')).body).toContain(h.config.publicUrl)
  })

  it('works offline: the API reference is Scalar over /openapi.json from this server, and no page loads anything from elsewhere', async () => {
    const ref = await get('/docs/reference')
    expect(ref.body).toContain('<script src="/docs/assets/scalar.js"></script>')
    expect(ref.body).toContain('"url":"/openapi.json"')
    expect(ref.body).toContain('"withDefaultFonts":false,"telemetry":false,"showDeveloperTools":"never","agent":{"disabled":true}')
    const js = await get('/docs/assets/scalar.js')
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.body).toContain('createApiReference')
    expect((await get('/openapi.json')).json()).toHaveProperty('paths')
    // Each API's page links the reference of that API alone.
    expect((await get('/docs/api/tasks')).body).toContain('<a href="/docs/reference/tasks">API reference</a>')
    expect((await get('/docs/reference/tasks')).body).toContain('"url":"/openapi/tasks.json"')
    const tasksDoc = (await get('/openapi/tasks.json')).json() as { paths: Record<string, unknown> }
    expect(Object.keys(tasksDoc.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true)
    // An API without a document of its own (the operator's) is found in the whole one.
    expect((await get('/docs/api/admin')).body).toContain('<a href="/docs/reference/admin">API reference</a>')
    expect((await get('/docs/reference/admin')).body).toContain('"url":"/openapi.json"')
    expect((await get('/docs/reference/nope')).statusCode).toBe(404)
    for (const url of ['/docs', '/docs/reference', ...loadPages().map((p) => `/docs/${p.slug}`)]) {
      const body = (await get(url)).body
      expect(body.match(/<(?:script|link|img)[^>]+(?:src|href)="https?:/g), url).toBeNull()
    }
  })

  it('an unknown page is a 404 naming the index', async () => {
    const res = await get('/docs/nope')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('/docs') } })
  })
})

describe('llms.txt', () => {
  it('/llms.txt links every page’s Markdown at the reader’s base URL; /llms-full.txt holds them all', async () => {
    const pages = loadPages()
    const index = await get('/llms.txt')
    expect(index.headers['content-type']).toMatch(/^text\/plain/)
    expect(index.body).toMatch(/^# Reelay\n\n> /)
    for (const p of pages) expect(index.body).toContain(`- [${p.title}](http://docs.example.test:9000/docs/${p.slug}.md): `)
    const full = (await get('/llms-full.txt')).body
    for (const p of pages) expect(full).toContain(`# ${p.title}`)
    expect(full).toContain('http://docs.example.test:9000/v1/jobs/JOB_ID')
    expect(full).not.toContain('http://127.0.0.1:8080/v1')
  })
})
