import { describe, expect, it } from 'vitest'
import { screenshots } from './support/browser.js'
import { setupToken, until } from './support/flows.js'
import { dashboardSuite } from './support/suite.js'

/** Every page of the dashboard with the heading it shows, customer pages first. */
const PAGES: Array<[path: string, heading: string, shot: string]> = [
  ['/', 'Overview', 'overview'],
  ['/playground', 'Playground', 'playground'],
  ['/jobs', 'Jobs', 'jobs'],
  ['/keys', 'API keys', 'keys-empty'],
  ['/usage', 'Usage & ledger', 'usage'],
  ['/webhooks', 'Webhooks', 'webhooks'],
  ['/team', 'Team', 'team'],
  ['/wallet', 'Wallet', 'wallet'],
  ['/pricing', 'Pricing', 'pricing'],
  ['/profile', 'Profile', 'profile'],
  ['/operator', 'Accounts', 'operator-accounts'],
  ['/operator/users', 'Users', 'operator-users'],
  ['/operator/jobs', 'All jobs', 'operator-jobs'],
  ['/operator/channels', 'Channels', 'operator-channels'],
  ['/operator/prices', 'Prices & plans', 'operator-prices'],
  ['/operator/system', 'System', 'operator-system'],
]

const suite = dashboardSuite()

describe('every dashboard page', () => {
  it('renders its heading at 1280 and 390 px without a script error, with the menu reachable by keyboard on a phone', async () => {
    const { page } = suite.browser
    const token = await setupToken(suite.server.log)
    await page.goto(`${suite.server.url}/setup?token=${token}`)
    await page.getByLabel('Email').fill('root@example.com')
    await page.getByLabel('Password').fill('operator-pass-1')
    await page.getByRole('button', { name: 'Create operator' }).click()
    await page.waitForURL(`${suite.server.url}/`)
    for (const [path, heading, shot] of PAGES) {
      await page.goto(`${suite.server.url}${path}`)
      await until(() => page.getByRole('heading', { level: 1, name: heading, exact: true }).isVisible(), `the heading of ${path}`)
      // Let the page's own requests settle before the picture.
      await page.waitForLoadState('networkidle')
      await screenshots(page, shot)
    }
    // A phone: the navigation folds behind the menu button, which opens it from the keyboard.
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${suite.server.url}/`)
    const menu = page.getByRole('button', { name: 'Menu' })
    await until(() => menu.isVisible(), 'the menu button')
    expect(await page.getByRole('link', { name: 'Jobs', exact: true }).isVisible()).toBe(false)
    await menu.focus()
    await page.keyboard.press('Enter')
    await until(() => page.getByRole('link', { name: 'Jobs', exact: true }).isVisible(), 'the opened menu')
    await page.setViewportSize({ width: 1280, height: 800 })
    // Pages whose API is not there yet show its error; none may crash the app.
    expect(suite.browser.problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([])
  })

  it('shows its own not-found page for an unknown page', async () => {
    const { page } = suite.browser
    await page.goto(`${suite.server.url}/no/such/page`)
    await until(() => page.getByRole('heading', { name: 'Page not found' }).isVisible(), 'the not-found page')
  })
})
