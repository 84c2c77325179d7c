import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../support/receiver.js'
import { launch, screenshots, type Browser } from './support/browser.js'
import { setupToken, signIn, signOut, stat, until, visible } from './support/flows.js'
import { startDashboardServer, type Server } from './support/server.js'

const OPERATOR = { email: 'ops@example.com', password: 'operator-pass-1', name: 'Olga Operator' }
const CUSTOMER = { email: 'casey@example.com', password: 'customer-pass-1', name: 'Casey' }

const LOW_BALANCE = JSON.parse(readFileSync('web/src/locales/en.json', 'utf8'))['overview.lowBalance'] as string

const MEMBER = { email: 'mo@example.com', password: 'member-pass-1', name: 'Mo' }

let server: Server
let browser: Browser
let receiver: Awaited<ReturnType<typeof startReceiver>>
let apiKey = ''
beforeAll(async () => {
  // The first webhook delivery fails (500); every later one succeeds.
  receiver = await startReceiver((_r, n) => (n === 1 ? 500 : 200))
  server = await startDashboardServer({
    REELAY_SIGNUP_MODE: 'open',
    // The receiver is on 127.0.0.1, over http.
    REELAY_ALLOW_PRIVATE_URLS: 'true',
    // Retries far apart, so the second attempt is the redeliver the test asks for.
    REELAY_WEBHOOK_SCHEDULE: '1h',
    // Renders take long enough that a cancel lands before the result.
    REELAY_STUDIO_LATENCY_MS: '1500',
  })
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await receiver?.close()
})

interface SessionView {
  user: { id: string }
  accounts: Array<{ id: string; kind: string; name: string }>
}
const sessionOf = (b: Browser) => b.page.evaluate(() => fetch('/account/v1/session').then((r) => r.json())) as Promise<SessionView>
const personalId = async (b: Browser) => (await sessionOf(b)).accounts.find((a) => a.kind === 'personal')!.id

/** Credits for an account: the operator CLI on the server's data dir (the same ledger the dashboard shows). */
async function grant(accountId: string, n: number): Promise<void> {
  const r = await server.cli(['credits', 'grant', `personal-${accountId.slice(5)}`, String(n), '--note', 'browser test'])
  expect(r.code, r.out).toBe(0)
}

async function submitWithKey(key: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await fetch(`${server.url}/v1/videos/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBeLessThan(300)
  const j = (await res.json()) as { id?: string; data?: { id: string }; jobId?: string }
  return { id: j.id ?? j.jobId ?? j.data!.id }
}

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
    const res = await fetch(`${server.url}/v1/usage`, { headers: { authorization: `Bearer ${secret}` } })
    expect(res.status).toBe(200)
    apiKey = secret
  })

  it("credits granted by the operator show on the customer's overview", async () => {
    const { page } = browser
    await page.goto(`${server.url}/`)
    expect(await until(() => stat(page, 'balance').then((n) => n === 0), 'an empty balance')).toBe(true)
    await grant(await personalId(browser), 5_000)
    await page.reload()
    await until(() => stat(page, 'balance').then((n) => n === 5_000), 'the granted 5,000 credits')
    expect(await stat(page, 'available')).toBe(5_000)
  })

  it('a low-balance threshold set in the wallet shows the notice on the overview, and clears', async () => {
    const { page } = browser
    await page.goto(`${server.url}/wallet`)
    await page.getByLabel('Notify below (credits)').fill('10000')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await visible(page, 'Saved.')
    await page.goto(`${server.url}/`)
    await visible(page, LOW_BALANCE)
    await page.goto(`${server.url}/wallet`)
    // The stored threshold fills the field once the balance has loaded.
    await until(
      () =>
        page
          .getByLabel('Notify below (credits)')
          .inputValue()
          .then((v) => v === '10000'),
      'the stored threshold',
    )
    await page.getByLabel('Notify below (credits)').fill('')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await visible(page, 'Saved.')
    await page.goto(`${server.url}/`)
    await until(() => stat(page, 'available').then((n) => n === 5_000), 'the overview')
    expect(await page.getByText(LOW_BALANCE).count()).toBe(0)
  })

  it('a playground video job shows its price, runs to a preview, and downloads', async () => {
    const { page } = browser
    await page.goto(`${server.url}/playground`)
    await page.getByLabel('Model').selectOption('seedance-2.0-fast')
    await page.getByLabel('Prompt').fill('A paper boat drifting down a rainy street')
    await page.getByLabel('Resolution').selectOption('480p')
    await page.getByLabel('Duration (seconds)').selectOption('4')
    // The price before submitting: 16 credits a second at 480p for 4 seconds.
    await until(async () => (await page.getByTestId('quote').innerText()).replace(/\D/g, '') === '64', 'the price of 64 credits')
    await screenshots(page, 'playground-form')
    await page.getByRole('button', { name: 'Generate' }).click()
    const video = page.getByTestId('job-video')
    await until(() => video.isVisible(), 'the finished video', 120_000)
    await until(() => video.evaluate((v) => (v as unknown as { readyState: number }).readyState >= 1), 'the video to load in the player')
    await screenshots(page, 'playground-result')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).first().click()])
    const file = readFileSync((await download.path())!)
    expect(file.subarray(4, 8).toString()).toBe('ftyp')
    // Captured, nothing left held: available is the balance again.
    await page.goto(`${server.url}/`)
    await until(() => stat(page, 'balance').then((n) => n === 5_000 - 64), 'the captured 64 credits')
  })

  it('a cancelled job shows its refund, and the jobs list plays results inline', async () => {
    const { page } = browser
    await page.goto(`${server.url}/playground`)
    await page.getByLabel('Model').selectOption('seedance-2.0-fast')
    await page.getByLabel('Prompt').fill('A very long slow pan over a mountain lake at dawn')
    await page.getByLabel('Resolution').selectOption('1080p')
    await page.getByLabel('Duration (seconds)').selectOption('15')
    await page.getByRole('button', { name: 'Generate' }).click()
    await page.getByRole('link', { name: /^job_/ }).click()
    await page.getByRole('button', { name: 'Cancel job' }).click()
    await until(async () => (await page.getByText('Cancelled').count()) > 0, 'the cancelled status')
    const held = Number((await page.getByTestId('cost-held').innerText()).replace(/\D/g, ''))
    expect(held).toBe(64 * 15)
    await until(async () => Number((await page.getByTestId('cost-refunded').innerText()).replace(/\D/g, '')) === held, 'the refund of the whole hold')
    expect((await page.getByTestId('cost-captured').innerText()).replace(/\D/g, '')).toBe('0')
    await screenshots(page, 'job-cancelled')

    await page.goto(`${server.url}/jobs`)
    await page
      .getByRole('button', { name: /^Play job_/ })
      .first()
      .click()
    await until(() => page.getByTestId('job-video').first().isVisible(), 'the inline player')
    await page.getByLabel('Status').selectOption('cancelled')
    await until(async () => (await page.getByRole('row').count()) === 2, 'one cancelled job under the filter')
    await screenshots(page, 'jobs-list')
  })

  it('a webhook is configured, its first delivery fails, and a redeliver succeeds', async () => {
    const { page } = browser
    await page.goto(`${server.url}/keys`)
    await page.getByRole('button', { name: 'Webhook for ci' }).click()
    await page.getByLabel('Webhook URL').fill(`${receiver.url}/hooks`)
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
    const secret = await until(async () => (await page.getByTestId('webhook-secret').innerText()).trim(), 'the signing secret')
    expect(secret).toMatch(/^whsec_/)
    await page.getByRole('button', { name: 'Close' }).click()

    await submitWithKey(apiKey, { model: 'seedance-2.0-fast', prompt: 'A lighthouse in fog', duration: 4, resolution: '480p' })
    await until(async () => receiver.received.length >= 1, 'the first delivery', 120_000)
    await page.goto(`${server.url}/webhooks`)
    await until(async () => (await page.getByText('500').count()) > 0, 'the failed attempt in the log')
    await screenshots(page, 'webhooks-failed')
    await page
      .getByRole('button', { name: /^Redeliver / })
      .first()
      .click()
    await until(async () => receiver.received.length >= 2, 'the redelivery', 60_000)
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id'])
    await page.reload()
    await until(async () => (await page.getByText('200').count()) > 0, 'the successful attempt in the log')
  })

  it("a team member's API call is charged to their personal balance, not the team pool", async () => {
    const { page } = browser
    await page.goto(`${server.url}/team`)
    await page.getByLabel('Team name').fill('Studio Nine')
    await page.getByRole('button', { name: 'Create a team' }).click()
    await until(() => page.getByRole('region', { name: 'Studio Nine' }).isVisible(), 'the new team')
    await page.getByLabel('Email to invite').fill(MEMBER.email)
    await page.getByRole('button', { name: 'Invite', exact: true }).click()
    const inviteUrl = await until(async () => (await page.getByTestId('invite-url').innerText()).trim(), 'the invite link')
    await screenshots(page, 'team')
    const teamId = (await sessionOf(browser)).accounts.find((a) => a.kind === 'team')!.id

    // The invited member, in a browser of their own.
    const member = await launch()
    try {
      await member.page.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, server.url))
      await member.page.waitForURL(/\/signup/)
      await member.page.getByLabel('Name (optional)').fill(MEMBER.name)
      await member.page.getByLabel('Email').fill(MEMBER.email)
      await member.page.getByLabel('Password').fill(MEMBER.password)
      await member.page.getByRole('button', { name: 'Create account' }).click()
      await member.page.waitForURL(`${server.url}/`)
      await until(async () => (await sessionOf(member)).accounts.some((a) => a.id === teamId), 'the member in the team')
      const memberPersonal = await personalId(member)
      await grant(memberPersonal, 1_000)
      await member.page.goto(`${server.url}/keys`)
      await member.page.getByRole('button', { name: 'Create key' }).click()
      await member.page.getByRole('dialog').getByLabel('Name').fill('mo')
      await member.page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click()
      const key = await until(async () => (await member.page.getByTestId('new-key-secret').innerText()).trim(), 'the member key')
      await submitWithKey(key, { model: 'seedance-2.0-fast', prompt: 'A red kite over a beach', duration: 4, resolution: '480p' })
      const balanceOf = (id: string) => member.page.evaluate((a) => fetch(`/account/v1/accounts/${a}/balance`).then((r) => r.json()), id) as Promise<{ balance: number; reserved: number }>
      await until(
        async () => {
          const b = await balanceOf(memberPersonal)
          return b.balance === 1_000 - 64 && b.reserved === 0
        },
        'the 64 credits captured from the personal balance',
        120_000,
      )
      const team = await balanceOf(teamId)
      expect(team).toMatchObject({ balance: 0, reserved: 0 })
    } finally {
      await member.close()
    }
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
