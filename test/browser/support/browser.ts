import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.REELAY_CHROMIUM ?? '/usr/bin/chromium'
const ROOT = path.resolve(import.meta.dirname, '../../..')
/** Committed for the README, small PNGs. */
export const DOCS_SCREENSHOTS = path.join(ROOT, 'docs/screenshots')
/** CI keeps these as artifacts. */
export const ARTIFACTS = process.env.REELAY_ARTIFACTS_DIR ?? path.join(ROOT, '.tmp/artifacts/screenshots')

export const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const

export interface Browser {
  context: BrowserContext
  page: Page
  /** Console errors and CSP violations seen so far: a page that logs one is broken. */
  problems: string[]
  close(): Promise<void>
}

/**
 * Debian's Chromium, headless, with a fresh profile: nothing from an earlier run (cookies, cache,
 * a service worker) can make a test pass. Playwright takes the profile as `userDataDir`.
 */
export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'reelay-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: WIDTHS.desktop,
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  })
  const problems: string[] = []
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`))
  }
  context.on('page', watch)
  const page = context.pages()[0] ?? (await context.newPage())
  watch(page)
  return {
    context,
    page,
    problems,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** One page at both widths, into docs/screenshots and the artifacts dir. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true })
  mkdirSync(ARTIFACTS, { recursive: true })
  for (const [label, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size)
    // Let the layout settle (charts size themselves to their box).
    await page.waitForTimeout(150)
    const file = `${name}-${label === 'desktop' ? 1280 : 390}.png`
    const png = await page.screenshot({ fullPage: false })
    for (const dir of [DOCS_SCREENSHOTS, ARTIFACTS]) writeFileSync(path.join(dir, file), png)
  }
  await page.setViewportSize(WIDTHS.desktop)
}
