import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, screenshots, type Browser } from './support/browser.js'
import { setupToken, signIn, signOut, until, visible } from './support/flows.js'
import { startDashboardServer, type Server } from './support/server.js'

const OPERATOR = { email: 'ops@example.com', password: 'operator-pass-1', name: 'Olga Operator' }
const CUSTOMER = { email: 'casey@example.com', password: 'customer-pass-1', name: 'Casey' }

let server: Server
let browser: Browser
beforeAll(async () => {
  server = await startDashboardServer({ REELAY_SIGNUP_MODE: 'open' })
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

// One story, in order: each step starts where the previous one left the browser.
describe('the dashboard, end to end in Chromium', () => {
  it('the first operator sets up with the one-time token from the log', async () => {
    const { page } = browser
    await page.goto(`${server.url}/`)
    await page.waitForURL(/\/setup$/)
    await page.getByLabel('Setup token').fill(await setupToken(server.log))
    await page.getByLabel('Name (optional)').fill(OPERATOR.name)
    await page.getByLabel('Email').fill(OPERATOR.email)
    await page.getByLabel('Password').fill(OPERATOR.password)
    await screenshots(page, 'setup')
    await page.getByRole('button', { name: 'Create operator' }).click()
    await page.waitForURL(`${server.url}/`)
    // An operator sees the operator section of the navigation.
    await visible(page, 'Operator')
    await signOut(page)
    // The token was one-time: setup is done, so /setup sends the visitor to sign in.
    await page.goto(`${server.url}/setup`)
    await page.waitForURL(/\/login$/)
    await screenshots(page, 'login')
  })

  it('a customer signs up, creates a key that is shown once, and the key works', async () => {
    const { page } = browser
    await page.getByRole('link', { name: 'Create one' }).click()
    await page.getByLabel('Name (optional)').fill(CUSTOMER.name)
    await page.getByLabel('Email').fill(CUSTOMER.email)
    await page.getByLabel('Password').fill(CUSTOMER.password)
    await screenshots(page, 'signup')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${server.url}/`)
    expect(await page.getByRole('navigation').getByText('Operator').count()).toBe(0)

    await page.getByRole('link', { name: 'API keys' }).click()
    await visible(page, 'No keys yet')
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.getByRole('dialog').getByLabel('Name').fill('ci')
    await page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click()
    const secret = await until(async () => (await page.getByTestId('new-key-secret').innerText()).trim(), 'the new key')
    expect(secret).toMatch(/^sk_live_\w+/)
    await screenshots(page, 'key-created')
    await page.getByRole('button', { name: 'Copy the key' }).click()
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret)
    await page.getByRole('button', { name: 'Done' }).click()
    // Shown once: the list and a reload show the prefix only, never the secret.
    await until(() => page.getByRole('cell', { name: 'ci', exact: true }).isVisible(), 'the key in the list')
    await page.reload()
    await until(() => page.getByRole('cell', { name: 'ci', exact: true }).isVisible(), 'the key after a reload')
    expect(await page.content()).not.toContain(secret)
    await screenshots(page, 'keys')

    // The key works against the API, as curl would use it.
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0)
  })

  it('switches the signed-in dashboard to Dutch and to Chinese', async () => {
    const { page } = browser
    await page.goto(`${server.url}/keys`)
    await page.getByLabel('Language').selectOption('nl')
    await visible(page, 'Sleutel aanmaken')
    await until(() => page.getByRole('link', { name: 'Overzicht' }).isVisible(), 'the Dutch navigation')
    await screenshots(page, 'keys-nl')
    await page.getByLabel('Taal').selectOption('zh')
    await visible(page, '创建密钥')
    await screenshots(page, 'keys-zh')
    await page.getByLabel('语言').selectOption('en')
    await visible(page, 'Create key')
    await signOut(page)
    await signIn(page, server.url, CUSTOMER.email, CUSTOMER.password)
    expect(browser.problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([])
  })
})
