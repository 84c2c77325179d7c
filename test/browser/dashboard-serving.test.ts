import { describe, expect, it } from 'vitest'
import { dashboardSuite } from './support/suite.js'

const suite = dashboardSuite()

describe('the dashboard as the server serves it', () => {
  it('opens a deep link, signs-out visitors land on a labelled form, and the strict CSP blocks nothing the app needs', async () => {
    const { page } = suite.browser
    const res = await page.goto(`${suite.server.url}/jobs/job_123`)
    expect(res?.status()).toBe(200)
    const csp = res?.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(res?.headers()['cache-control']).toBe('no-cache')
    // No session yet: the app sends the visitor to sign in (or to first-operator setup).
    await page.waitForURL(/\/(login|setup)$/)
    const email = page.getByLabel('Email')
    await expect.poll(() => email.count()).toBe(1)
    await email.focus()
    // Keyboard use: Tab walks from one labelled control to the next.
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.getAttribute("type")')).toBe('password')
    expect(suite.browser.problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([])
  })

  it('switches the language to Dutch and to Chinese before anyone signs in, and keeps the choice on reload', async () => {
    const { page } = suite.browser
    // An empty database: the visitor is sent to first-operator setup.
    await page.goto(`${suite.server.url}/login`)
    await page.waitForURL(/\/setup$/)
    const lang = page.getByLabel(/Language|Taal|语言/)
    await lang.selectOption('nl')
    await expect.poll(() => page.getByRole('button', { name: 'Beheerder aanmaken' }).count()).toBe(1)
    await lang.selectOption('zh')
    await expect.poll(() => page.getByRole('button', { name: '创建运营者' }).count()).toBe(1)
    await page.reload()
    await expect.poll(() => page.getByRole('button', { name: '创建运营者' }).count()).toBe(1)
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN')
    await page.getByLabel('语言').selectOption('en')
  })

  it('serves hashed assets for a year, and API paths keep their JSON 404 in their dialect', async () => {
    const html = await (await fetch(`${suite.server.url}/`, { headers: { accept: 'text/html' } })).text()
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeTruthy()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    const asset = await fetch(`${suite.server.url}${script}`)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    for (const p of ['/v1/nope', '/account/v1/nope', '/admin/v1/nope', '/api/v1/nope', '/files/nope', '/docs/nope', '/billing/nope', '/internal/x']) {
      const r = await fetch(`${suite.server.url}${p}`, { headers: { accept: 'text/html' } })
      expect(r.status, p).toBe(404)
      expect(r.headers.get('content-type'), p).toMatch(/json/)
    }
    // The OpenAI dialect's own 404 shape under its prefix.
    const openai = await fetch(`${suite.server.url}/v1/videos/x/y/z`, { headers: { accept: 'text/html' } })
    expect(((await openai.json()) as { error: { type?: string } }).error.type).toBeDefined()
    // Not a browser asking for a page: a JSON client gets the 404, not the app.
    const json = await fetch(`${suite.server.url}/somewhere`, { headers: { accept: 'application/json' } })
    expect(json.status).toBe(404)
  })
})
